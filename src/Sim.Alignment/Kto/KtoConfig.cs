using Sim.Alignment.Losses;
using Sim.Alignment.Training;

namespace Sim.Alignment.Kto;

/// <summary>KTO on unpaired desirable/undesirable completions (TRL's <c>KTOConfig</c>): β, the weights of the two kinds,
/// and the SFT model the policy starts from, which is also the frozen reference.</summary>
public sealed record KtoConfig : AlignmentConfig
{
    /// <summary>Smaller steps than SFT's default, as for DPO.</summary>
    public KtoConfig() => LearningRate = 3e-4;

    /// <summary>β (TRL: 0.1).</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>λ_D, the weight of desirable examples (TRL: 1).</summary>
    public double DesirableWeight { get; init; } = 1;

    /// <summary>λ_U, the weight of undesirable examples (TRL: 1).</summary>
    public double UndesirableWeight { get; init; } = 1;

    /// <summary>The SFT <c>model.bin</c> the policy starts from and the reference is (it must share the run's tokenizer).</summary>
    public string? InitFrom { get; init; }

    /// <summary>The loss these fields describe.</summary>
    public KtoLossOptions LossOptions() => new(Beta, DesirableWeight, UndesirableWeight);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        LossOptions().Validate();
        // The mismatched completions that estimate z0 are the batch's completions shifted by one, so a batch needs two.
        if (BatchSize < 2) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"BatchSize = {BatchSize}: KTO needs at least 2 examples per batch to pair prompts with other examples' completions");
    }
}
