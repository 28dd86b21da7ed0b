namespace Sim.Alignment.Model;

/// <summary>A prompt and a completion as token ids, without BOS and EOS (the collator adds them): an SFT example, one
/// side of a preference pair, or an item a text reward model scores.</summary>
/// <param name="Prompt">The prompt's ids; may be empty.</param>
/// <param name="Completion">The completion's ids.</param>
public sealed record TokenizedCompletion(int[] Prompt, int[] Completion)
{
    /// <summary>Tokens of the packed sequence: BOS, prompt, completion and EOS.</summary>
    public int SequenceLength => Prompt.Length + Completion.Length + 2;
}
