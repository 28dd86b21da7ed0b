namespace Sim.Alignment.Studies;

/// <summary>One trained policy against the SFT model it started from, on fresh prompts.</summary>
/// <param name="Method">The trainer, e.g. <c>SFT</c>, <c>DPO (sigmoid)</c>, <c>KTO</c>.</param>
/// <param name="GoldReward">Mean gold reward of its samples.</param>
/// <param name="WinRate">Share of prompts (ties half) where its sample beats the SFT model's under the gold reward.</param>
/// <param name="KlToReference">Monte-Carlo KL(policy ‖ SFT) per completion, in nats: the mean of log π − log π_ref over its own samples.</param>
public sealed record DpoFamilyOutcome(string Method, double GoldReward, double WinRate, double KlToReference);
