namespace Sim.Alignment.Corpus;

/// <summary>One line of an unpaired preference dataset (TRL's KTO format <c>{"prompt", "completion", "label"}</c>):
/// the completion is desirable when <see cref="Label"/> is true.</summary>
public sealed record UnpairedExample(string Prompt, string Completion, bool Label);
