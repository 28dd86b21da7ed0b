using Sim.Foundation;
using Sim.Learning.Runs;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Objectives;
using static TorchSharp.torch;

namespace Sim.Learning.Oni;

/// <summary>The reward core's <see cref="RewardEnsemble"/> over captions (<see cref="CaptionRewardEncoder"/> members on
/// <see cref="CaptionFeatures"/>), as the classification and ranking models train and score it.</summary>
public sealed class CaptionEnsemble : IDisposable
{
    /// <summary>Members, learning rate and epochs for a few dozen captions or pairs: small data, fitted in milliseconds.</summary>
    public static EnsembleConfig DefaultConfig { get; } = new()
    {
        Members = 3,
        LearningRate = 1e-2,
        BatchSize = 64,
        MaxEpochs = 150,
        StopAtAccuracy = 1.0,
    };

    readonly CaptionFeatures _collator = new();

    /// <summary>An ensemble seeded from the run's seed (stream <c>oni-reward-model</c>).</summary>
    public CaptionEnsemble(ulong runSeed) =>
        Ensemble = new RewardEnsemble(DefaultConfig with { Seed = SeedDerivation.Derive(runSeed, "oni-reward-model") }, g => new CaptionRewardEncoder(g), CPU);

    /// <summary>The members and their optimisers.</summary>
    public RewardEnsemble Ensemble { get; }

    /// <summary>The collator packing captions for the members.</summary>
    public CaptionFeatures Collator => _collator;

    /// <summary>Trains on <paramref name="objective"/> (the pointwise or the pairwise objective of the reward core).</summary>
    public RewardTrainingReport Train(IRewardObjective objective) => Ensemble.Train(objective);

    /// <summary>Each caption's score averaged over the members.</summary>
    public float[] MeanScores(IReadOnlyList<string> captions)
    {
        using var scope = NewDisposeScope();
        var batch = _collator.Collate(captions, CPU);
        return Ensemble.Score(batch).mean([0]).data<float>().ToArray();
    }

    /// <summary>Each caption's P(good), the members' sigmoids averaged.</summary>
    public float[] MeanProbabilities(IReadOnlyList<string> captions)
    {
        using var scope = NewDisposeScope();
        var batch = _collator.Collate(captions, CPU);
        return Ensemble.Score(batch).sigmoid().mean([0]).data<float>().ToArray();
    }

    /// <summary>Adds the members' weights to a checkpoint.</summary>
    public void Save(CheckpointContents contents)
    {
        for (int m = 0; m < Ensemble.MemberCount; m++) contents.AddModule($"oni_member_{m}", Ensemble.Members[m]);
    }

    /// <summary>Restores the members' weights.</summary>
    public void Load(Checkpoint checkpoint)
    {
        for (int m = 0; m < Ensemble.MemberCount; m++) checkpoint.LoadModule($"oni_member_{m}", Ensemble.Members[m]);
    }

    /// <inheritdoc/>
    public void Dispose() => Ensemble.Dispose();
}
