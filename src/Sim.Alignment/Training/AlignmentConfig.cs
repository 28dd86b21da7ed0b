namespace Sim.Alignment.Training;

/// <summary>What every alignment trainer's config shares (as TRL's <c>TrainingArguments</c> under <c>SFTConfig</c>,
/// <c>RewardConfig</c>, <c>DPOConfig</c>): seed, optimiser, batch, budget, logging and checkpoint cadence, device, and
/// where the data came from.</summary>
public abstract record AlignmentConfig
{
    /// <summary>Seed of the initial weights and the data order; every stream is derived from it by name.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Adam learning rate (TRL's default for SFT: 2e-5 on pretrained models; from scratch a small model wants more).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Examples (or pairs) per optimiser step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Gradients are scaled so that their global L2 norm is at most this (TRL: 1.0).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Steps between training-metric rows.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Steps between evaluations on the held-out data (and one at the end).</summary>
    public int EvalEvery { get; init; } = 100;

    /// <summary>Steps between checkpoints (and one at the end).</summary>
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>Torch device, e.g. <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The JSONL the training data was read from, so that a resumed run reads it again; null when given in memory.</summary>
    public string? TrainFile { get; init; }

    /// <summary>The JSONL of the held-out data, or null.</summary>
    public string? EvalFile { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public virtual void Validate()
    {
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"LearningRate = {LearningRate}: expected a finite rate > 0");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"BatchSize = {BatchSize}: expected at least 1");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"Epochs = {Epochs}: expected at least 1");
        if (!(MaxGradNorm > 0 && double.IsFinite(MaxGradNorm))) throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), MaxGradNorm, $"MaxGradNorm = {MaxGradNorm}: expected a finite norm > 0");
        if (LogEvery < 1) throw new ArgumentOutOfRangeException(nameof(LogEvery), LogEvery, $"LogEvery = {LogEvery}: expected at least 1 step");
        if (EvalEvery < 1) throw new ArgumentOutOfRangeException(nameof(EvalEvery), EvalEvery, $"EvalEvery = {EvalEvery}: expected at least 1 step");
        if (CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, $"CheckpointEvery = {CheckpointEvery}: expected at least 1 step");
        ArgumentException.ThrowIfNullOrEmpty(Device);
    }
}
