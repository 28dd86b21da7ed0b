using Sim.Alignment.Model;
using Sim.Rewards.Ensembles;

namespace Sim.Alignment.Studies;

/// <summary>The overoptimisation study's sizes (Gao et al.'s best-of-n setup with Coste et al.'s ensembles, on the
/// synthetic testbed): how many noisy pairs the proxy learns from, how big the ensemble and its members are, and how
/// many base samples per prompt best-of-n chooses from.</summary>
public sealed record OveroptimizationOptions
{
    /// <summary>Seed of the corpus, the tokenizer's data, the reward models and the samples.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Training pairs labelled by the gold reward.</summary>
    public int Pairs { get; init; } = 2000;

    /// <summary>Probability that a training label is flipped (Coste et al.: 0.25).</summary>
    public double LabelNoise { get; init; } = 0.25;

    /// <summary>Clean held-out pairs for the reward models' accuracy.</summary>
    public int HeldOutPairs { get; init; } = 500;

    /// <summary>Ensemble members K (Coste et al.: 5); each member alone is a single proxy, and the single-model curve is
    /// the mean of the K members' curves.</summary>
    public int Members { get; init; } = 5;

    /// <summary>How each member draws its pairs: all of them in its own order (Coste et al.'s members differ only by their
    /// initialisation), or its own bootstrap resample, which makes the members disagree more where the data is thin.</summary>
    public MemberSampling Sampling { get; init; } = MemberSampling.Shuffle;

    /// <summary>Passes of every member over the pairs.</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Adam learning rate of the members.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Pairs per minibatch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Each member's transformer (the vocabulary size is set from the tokenizer).</summary>
    public TransformerConfig Model { get; init; } = new() { ContextLength = 96, Width = 32, Layers = 2, Heads = 4 };

    /// <summary>One transformer per member, for members that differ in architecture as well as in initialisation and data
    /// order, or null for every member to be <see cref="Model"/>; checked by <see cref="Training.RewardConfig"/>.</summary>
    public IReadOnlyList<TransformerConfig>? MemberModels { get; init; }

    /// <summary>Where the members start: fresh weights, one SFT model for all, or an SFT model each.</summary>
    public MemberStart Start { get; init; } = MemberStart.Fresh;

    /// <summary>Epochs of each SFT model over the corpus's completions, when <see cref="Start"/> asks for them.</summary>
    public int SftEpochs { get; init; } = 2;

    /// <summary>Ids of the BPE tokenizer learned from the corpus.</summary>
    public int TokenizerVocabulary { get; init; } = 384;

    /// <summary>Prompts best-of-n is measured on.</summary>
    public int Prompts { get; init; } = 64;

    /// <summary>Base samples per prompt, each scored once (N of the unbiased estimator).</summary>
    public int SamplesPerPrompt { get; init; } = 512;

    /// <summary>Most clauses of a base sample best-of-n chooses from. The training pairs always come from the language's
    /// own <see cref="Corpus.SyntheticLanguage.MaxClauses"/>; a larger value lets best-of-n reach longer completions than
    /// the proxy ever saw, where its mistakes are.</summary>
    public int BaseMaxClauses { get; init; } = Corpus.SyntheticLanguage.MaxClauses;

    /// <summary>Largest n; the curve runs over the powers of two up to it.</summary>
    public int MaxN { get; init; } = 256;

    /// <summary>λ of the uncertainty-weighted proxy mean − λ·var (Coste et al.: 1).</summary>
    public double UncertaintyWeight { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (Pairs < 1) throw new ArgumentOutOfRangeException(nameof(Pairs), Pairs, $"Pairs = {Pairs}: expected at least 1");
        if (!(LabelNoise >= 0 && LabelNoise <= 0.5)) throw new ArgumentOutOfRangeException(nameof(LabelNoise), LabelNoise, $"LabelNoise = {LabelNoise}: expected a flip probability in [0, 0.5]");
        if (HeldOutPairs < 1) throw new ArgumentOutOfRangeException(nameof(HeldOutPairs), HeldOutPairs, $"HeldOutPairs = {HeldOutPairs}: expected at least 1");
        if (Members < 2) throw new ArgumentOutOfRangeException(nameof(Members), Members, $"Members = {Members}: expected at least 2, to compare an ensemble with one member");
        if (!Enum.IsDefined(Sampling)) throw new ArgumentOutOfRangeException(nameof(Sampling), Sampling, $"Sampling = {(int)Sampling}: expected Shuffle or Bootstrap");
        if (!Enum.IsDefined(Start)) throw new ArgumentOutOfRangeException(nameof(Start), Start, $"Start = {(int)Start}: expected Fresh, SharedSft or OwnSft");
        if (Start == MemberStart.SharedSft && MemberModels is not null)
            throw new ArgumentException($"{nameof(Start)} = {Start} with {nameof(MemberModels)}: members that share one SFT model share its shape", nameof(MemberModels));
        if (SftEpochs < 1) throw new ArgumentOutOfRangeException(nameof(SftEpochs), SftEpochs, $"SftEpochs = {SftEpochs}: expected at least 1");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"Epochs = {Epochs}: expected at least 1");
        if (BaseMaxClauses < 1) throw new ArgumentOutOfRangeException(nameof(BaseMaxClauses), BaseMaxClauses, $"BaseMaxClauses = {BaseMaxClauses}: expected at least 1");
        if (Prompts < 1) throw new ArgumentOutOfRangeException(nameof(Prompts), Prompts, $"Prompts = {Prompts}: expected at least 1");
        if (MaxN < 1) throw new ArgumentOutOfRangeException(nameof(MaxN), MaxN, $"MaxN = {MaxN}: expected at least 1");
        if (SamplesPerPrompt < MaxN)
            throw new ArgumentOutOfRangeException(nameof(SamplesPerPrompt), SamplesPerPrompt, $"SamplesPerPrompt = {SamplesPerPrompt}: the unbiased estimator needs at least MaxN = {MaxN}");
        if (!(UncertaintyWeight >= 0 && double.IsFinite(UncertaintyWeight)))
            throw new ArgumentOutOfRangeException(nameof(UncertaintyWeight), UncertaintyWeight, $"UncertaintyWeight = {UncertaintyWeight}: expected a finite λ ≥ 0");
    }
}
