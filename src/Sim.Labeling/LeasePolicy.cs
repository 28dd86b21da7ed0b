namespace Sim.Labeling;

/// <summary>How pairs are handed out: how long a shown pair stays one labeler's, and how many people answer each pair.</summary>
/// <param name="Duration">How long a lease lasts (rl-teacher locked a shown pair the same way).</param>
/// <param name="LabelersPerPair">k: different labelers asked about each pair (gold pairs excepted).</param>
public sealed record LeasePolicy(TimeSpan Duration, int LabelersPerPair)
{
    /// <summary>Throws naming the bad field.</summary>
    public void Validate()
    {
        if (Duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Duration), Duration, $"lease duration {Duration}: expected a positive time");
        if (LabelersPerPair < 1) throw new ArgumentOutOfRangeException(nameof(LabelersPerPair), LabelersPerPair, $"labelers per pair {LabelersPerPair}: expected at least 1");
    }
}
