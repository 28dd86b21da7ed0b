namespace Sim.Labeling;

/// <summary>One event caption shown under a labeling clip: its text and the steps of the segment it holds over.</summary>
/// <param name="FirstStep">First step (0-based, within the segment) with this caption.</param>
/// <param name="LastStep">Last step of the run, inclusive.</param>
/// <param name="Text">The caption.</param>
public sealed record CaptionRun(int FirstStep, int LastStep, string Text)
{
    /// <summary>The runs of equal, non-empty captions in <paramref name="captions"/> (one per step), in order.</summary>
    public static IReadOnlyList<CaptionRun> Collapse(IReadOnlyList<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        var runs = new List<CaptionRun>();
        for (int step = 0; step < captions.Count;)
        {
            int end = step;
            while (end + 1 < captions.Count && captions[end + 1] == captions[step]) end++;
            if (captions[step].Length > 0) runs.Add(new CaptionRun(step, end, captions[step]));
            step = end + 1;
        }
        return runs;
    }
}
