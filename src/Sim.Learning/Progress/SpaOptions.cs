using System.Globalization;

namespace Sim.Learning.Progress;

/// <summary>A stepwise-progress-attribution run's settings (<c>config.json</c>'s <c>Spa</c> section): the outcome the
/// estimator explains, the grounding signal g_t, whether the env's reward is kept beside c_t + g_t, and how the
/// estimator is sized and retrained.</summary>
public sealed record SpaOptions
{
    /// <summary>Success bit (goal and sparse envs) or the delayed return (<c>--delayed-reward</c>).</summary>
    public SpaOutcome Outcome { get; init; } = SpaOutcome.Success;

    /// <summary>ε: the achieved goal must move further than this (Euclidean, in the goal's units, metres on the arms) in
    /// one step for g_t to fire.</summary>
    public double GroundingEpsilon { get; init; } = 0.005;

    /// <summary>The value of g_t when it fires (SPA-RL: 0.5); 0 turns grounding off. Envs without goals have no grounding.</summary>
    public double GroundingWeight { get; init; } = 0.5;

    /// <summary>Whether the env's own reward is added to c_t + g_t, or replaced by it. <c>sim train</c> keeps it by
    /// default and drops it under <c>--delayed-reward</c>, where the env's reward is the return that c_t already sums to.</summary>
    public bool KeepEnvReward { get; init; } = true;

    /// <summary>Env steps between estimator updates.</summary>
    public long UpdateEvery { get; init; } = 1000;

    /// <summary>Completed episodes kept to train on, newest first out of the ring once full.</summary>
    public int MaxEpisodes { get; init; } = 200;

    /// <summary>Passes over the kept episodes per update.</summary>
    public int EpochsPerUpdate { get; init; } = 20;

    /// <summary>Steps drawn at random from each episode per training item, whose target is the outcome scaled by their
    /// share of the episode (randomized return decomposition, RRD; see <see cref="RandomStepSubsets"/>); each of the
    /// <see cref="EpochsPerUpdate"/> passes draws fresh subsets. 0 trains on whole episodes, SPA-RL's sum constraint.</summary>
    public int SampledSteps { get; init; }

    /// <summary>Episodes (or subsets) per estimator minibatch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The estimator's Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Units per hidden layer of the estimator.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>Hidden layers of the estimator.</summary>
    public int HiddenLayers { get; init; } = 2;

    /// <summary>The first setting out of range, as a message naming it; null when all are valid.</summary>
    public string? FindProblem()
    {
        if (!Enum.IsDefined(Outcome)) return $"SPA outcome {(int)Outcome}: expected success or delayed-return";
        if (!(GroundingEpsilon >= 0 && double.IsFinite(GroundingEpsilon)))
            return string.Create(CultureInfo.InvariantCulture, $"grounding ε = {GroundingEpsilon}: expected a finite distance ≥ 0");
        if (!double.IsFinite(GroundingWeight)) return string.Create(CultureInfo.InvariantCulture, $"grounding weight = {GroundingWeight}: expected a finite number");
        if (UpdateEvery < 1) return $"update interval {UpdateEvery}: expected at least 1 env step";
        if (MaxEpisodes < 1) return $"kept episodes {MaxEpisodes}: expected at least 1";
        if (EpochsPerUpdate < 1) return $"epochs per update {EpochsPerUpdate}: expected at least 1";
        if (SampledSteps < 0) return $"sampled steps per episode {SampledSteps}: expected 0 (whole episodes) or more";
        if (BatchSize < 1) return $"estimator batch size {BatchSize}: expected at least 1 episode";
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) return string.Create(CultureInfo.InvariantCulture, $"estimator learning rate {LearningRate}: expected a positive number");
        if (HiddenLayers < 0) return $"estimator hidden layers {HiddenLayers}: expected 0 or more";
        if (HiddenLayers > 0 && HiddenSize < 1) return $"estimator hidden size {HiddenSize}: expected at least 1 unit";
        return null;
    }
}
