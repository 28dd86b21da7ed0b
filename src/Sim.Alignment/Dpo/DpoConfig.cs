using Sim.Alignment.Losses;
using Sim.Alignment.Training;

namespace Sim.Alignment.Dpo;

/// <summary>Direct preference optimisation of a language model on preference pairs (TRL's <c>DPOConfig</c>, with SimPO
/// from its <c>CPOConfig</c>): which loss of the family, its constants, and the SFT model the policy starts from, which
/// is also the frozen reference.</summary>
public sealed record DpoConfig : AlignmentConfig
{
    /// <summary>Smaller steps than SFT's default: the policy should move a little away from its reference, not relearn.</summary>
    public DpoConfig() => LearningRate = 3e-4;

    /// <summary>Which loss (TRL's <c>loss_type</c>): Sigmoid, Conservative (cDPO), Hinge, Ipo or SimPo.</summary>
    public DpoVariant Variant { get; init; } = DpoVariant.Sigmoid;

    /// <summary>β (TRL: 0.1; SimPO's paper: 2 to 2.5).</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>ε of conservative DPO (TRL's <c>label_smoothing</c>), the assumed label flip probability; 0 otherwise.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>SimPO's target margin γ (TRL's <c>simpo_gamma</c>: 0.5).</summary>
    public double SimPoGamma { get; init; } = 0.5;

    /// <summary>The SFT <c>model.bin</c> the policy starts from and the reference is (it must share the run's tokenizer).</summary>
    public string? InitFrom { get; init; }

    /// <summary>The loss these fields describe.</summary>
    public DpoLossOptions LossOptions() => new(Variant, Beta, LabelSmoothing, SimPoGamma);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        LossOptions().Validate();
    }
}
