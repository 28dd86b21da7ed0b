namespace Sim.Alignment.Corpus;

/// <summary>One line of a prompt–completion dataset (TRL's <c>{"prompt", "completion"}</c>), as SFT reads it.</summary>
public sealed record CompletionExample(string Prompt, string Completion);
