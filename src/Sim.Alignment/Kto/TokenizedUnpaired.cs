using Sim.Alignment.Model;

namespace Sim.Alignment.Kto;

/// <summary>An unpaired example as token ids (TRL's KTO <c>{"prompt", "completion", "label"}</c>, tokenized).</summary>
/// <param name="Prompt">The prompt's ids; may be empty.</param>
/// <param name="Completion">The completion's ids.</param>
/// <param name="Desirable">Whether the completion is a good answer.</param>
public sealed record TokenizedUnpaired(int[] Prompt, int[] Completion, bool Desirable)
{
    /// <summary>The prompt with its completion.</summary>
    public TokenizedCompletion Item => new(Prompt, Completion);
}
