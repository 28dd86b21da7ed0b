namespace Sim.Alignment.Corpus;

/// <summary>How big a synthetic corpus is and how noisy its labels are.</summary>
public sealed record CorpusOptions
{
    /// <summary>Seed of every draw; the same options give the same files.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Prompt–completion lines for SFT, sampled from the base language.</summary>
    public int Completions { get; init; } = 4000;

    /// <summary>Training preference pairs, labelled by the gold reward.</summary>
    public int Pairs { get; init; } = 2000;

    /// <summary>Held-out pairs, labelled by the gold reward without noise (RewardBench-style evaluation).</summary>
    public int HeldOutPairs { get; init; } = 500;

    /// <summary>Probability that a training pair's label is flipped (Coste et al. use 0.25).</summary>
    public double LabelNoise { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (Completions < 0) throw new ArgumentOutOfRangeException(nameof(Completions), Completions, $"Completions = {Completions}: expected a count ≥ 0");
        if (Pairs < 0) throw new ArgumentOutOfRangeException(nameof(Pairs), Pairs, $"Pairs = {Pairs}: expected a count ≥ 0");
        if (HeldOutPairs < 0) throw new ArgumentOutOfRangeException(nameof(HeldOutPairs), HeldOutPairs, $"HeldOutPairs = {HeldOutPairs}: expected a count ≥ 0");
        if (!(LabelNoise >= 0 && LabelNoise <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(LabelNoise), LabelNoise, $"LabelNoise = {LabelNoise}: expected a flip probability in [0, 0.5]");
    }
}
