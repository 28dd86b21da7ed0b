namespace Sim.Alignment.Corpus;

/// <summary>One line of a preference dataset (TRL's <c>{"prompt", "chosen", "rejected"}</c>), with the optional
/// <c>margin</c> column of TRL's reward trainer.</summary>
public sealed record PreferenceExample(string Prompt, string Chosen, string Rejected, double? Margin = null);
