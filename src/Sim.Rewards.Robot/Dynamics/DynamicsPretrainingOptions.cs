namespace Sim.Rewards.Robot.Dynamics;

/// <summary>REED's schedule: before each reward update, the next-state consistency objective trains the reward network's
/// encoders for up to <see cref="Epochs"/> epochs on every transition seen so far, split 80/20 with early stopping on the 20.</summary>
public sealed record DynamicsPretrainingOptions
{
    /// <summary>How predictions and targets are compared.</summary>
    public DynamicsObjectiveKind Objective { get; init; } = DynamicsObjectiveKind.SimSiam;

    /// <summary>Before which reward updates the phase runs and the encoders are copied (REED: every update).</summary>
    public DynamicsEncoderCopy CopyEncoders { get; init; } = DynamicsEncoderCopy.EveryUpdate;

    /// <summary>Most epochs per phase (REED: 20).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Transitions per minibatch. REED uses 12 with SGD on a GPU; a larger batch with Adam makes the same number of
    /// epochs affordable on a CPU.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Share of the transitions held out to decide when to stop (REED: 0.2).</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Epochs without a new best validation loss after which a phase stops.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>InfoNCE temperature τ of the contrastive variant (REED: 0.5).</summary>
    public double Temperature { get; init; } = 0.5;

    /// <summary>Sizes of the state and action encoders and of the consistency heads.</summary>
    public DynamicsEncoderConfig Encoder { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Objective)) throw new ArgumentOutOfRangeException(nameof(Objective), Objective, "expected SimSiam or Contrastive");
        if (!Enum.IsDefined(CopyEncoders)) throw new ArgumentOutOfRangeException(nameof(CopyEncoders), CopyEncoders, "expected EveryUpdate or FirstUpdate");
        Require(Epochs >= 1, nameof(Epochs), Epochs, "expected at least 1 epoch");
        Require(BatchSize >= 2, nameof(BatchSize), BatchSize, "expected at least 2 transitions (InfoNCE needs negatives)");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "expected a finite rate > 0");
        Require(ValidationFraction > 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction, "expected a share in (0, 1)");
        Require(Patience >= 1, nameof(Patience), Patience, "expected at least 1 epoch");
        Require(Temperature > 0 && double.IsFinite(Temperature), nameof(Temperature), Temperature, "expected a finite temperature > 0");
        ArgumentNullException.ThrowIfNull(Encoder);
        Encoder.Validate();
    }

    static void Require(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} = {value}: {expected}");
    }
}
