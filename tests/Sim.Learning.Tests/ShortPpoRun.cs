using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;

namespace Sim.Learning.Tests;

/// <summary>A short PPO run through CleanRL's wrapper stack (clip actions, normalise observations and rewards), recording
/// every iteration's metrics and every finished episode: the smoke test new envs get.</summary>
public static class ShortPpoRun
{
    /// <summary>Trains on <paramref name="inner"/> (which the run disposes) with <paramref name="config"/>, checks that the
    /// step budget was used and every metric is finite, and returns the episodes that ended.</summary>
    public static List<EpisodeEnd> Train(IVectorEnv inner, PpoConfig config)
    {
        using var env = new NormalizeReward(new NormalizeObservation(new ClipAction(new RecordEpisodeStatistics(inner))), config.Gamma);
        using var trainer = new PpoTrainer(env, config);
        var episodes = new List<EpisodeEnd>();
        trainer.EpisodeCompleted += episodes.Add;
        var iterations = new List<PpoIterationMetrics>();
        trainer.IterationCompleted += iterations.Add;

        trainer.Train();

        Assert.Equal(config.TotalTimesteps, trainer.GlobalStep);
        Assert.Equal(config.TotalTimesteps / (config.NumEnvs * config.NumSteps), iterations.Count);
        Assert.All(iterations, m => Assert.All(m.Scalars(), kv => Assert.True(double.IsFinite(kv.Value), $"{kv.Key} = {kv.Value}")));
        return episodes;
    }
}
