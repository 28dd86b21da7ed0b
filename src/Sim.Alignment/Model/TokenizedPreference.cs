namespace Sim.Alignment.Model;

/// <summary>A preference pair as token ids: a prompt, the completion preferred and the one rejected (TRL's
/// <c>{"prompt", "chosen", "rejected"}</c>, tokenized).</summary>
public sealed record TokenizedPreference(int[] Prompt, int[] Chosen, int[] Rejected)
{
    /// <summary>The prompt with the chosen completion.</summary>
    public TokenizedCompletion ChosenItem => new(Prompt, Chosen);

    /// <summary>The prompt with the rejected completion.</summary>
    public TokenizedCompletion RejectedItem => new(Prompt, Rejected);
}
