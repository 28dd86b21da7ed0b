using Sim.Foundation;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Progress;

namespace Sim.Learning.Tests.Rewards.Progress;

public sealed class ProgressEstimatorTests
{
    // Steps of 2 observation floats and 1 action float, uniform in [−1, 1]; each step's true contribution is
    // f(s, a) = 0.5·s0 − 0.3·s1 + 0.2·a, and an episode's outcome is the sum of f over its 3 to 8 steps.
    internal static float Feature(ReadOnlySpan<float> observation, float action) => 0.5f * observation[0] - 0.3f * observation[1] + 0.2f * action;

    internal static (List<Segment> Episodes, List<float> Outcomes) HandBuilt(int count, ulong seed, int minLength = 3, int maxLength = 8)
    {
        var rng = new SimRandom(seed);
        var episodes = new List<Segment>();
        var outcomes = new List<float>();
        for (int e = 0; e < count; e++)
        {
            int length = minLength + rng.NextInt(maxLength - minLength + 1);
            var observations = new float[length * 2];
            var actions = new float[length];
            double outcome = 0;
            for (int t = 0; t < length; t++)
            {
                observations[2 * t] = (float)rng.Uniform(-1, 1);
                observations[2 * t + 1] = (float)rng.Uniform(-1, 1);
                actions[t] = (float)rng.Uniform(-1, 1);
                outcome += Feature(observations.AsSpan(2 * t, 2), actions[t]);
            }
            episodes.Add(new Segment
            {
                Source = "hand-built",
                EnvId = "none",
                Episode = e,
                Length = length,
                ObservationSize = 2,
                ActionSize = 1,
                Observations = observations,
                Actions = actions,
                TrueRewards = new float[length],
            });
            outcomes.Add((float)outcome);
        }
        return (episodes, outcomes);
    }

    static ProgressEstimator Linear() => new(
        new StepEncoderConfig(ObservationSize: 2, ActionSize: 1, HiddenLayers: 0, TanhOutput: false),
        new EnsembleConfig { Members = 1, LearningRate = 0.02, BatchSize = 32, MaxEpochs = 150, StopAtAccuracy = null, Seed = 3 });

    [Fact]
    public void Contributions_converge_to_the_per_step_features_that_sum_to_the_outcome()
    {
        var (episodes, outcomes) = HandBuilt(200, seed: 1);
        using var estimator = Linear();
        var report = estimator.Train(episodes, outcomes);
        Assert.True(report.Loss < 1e-4, $"sum loss {report.Loss}");

        // On episodes it never saw, every step's contribution is that step's feature.
        var (unseen, _) = HandBuilt(20, seed: 2);
        double worst = 0;
        foreach (var episode in unseen)
        {
            var contributions = estimator.Contributions(episode);
            Assert.Equal(episode.Length, contributions.Length);
            for (int t = 0; t < episode.Length; t++)
                worst = Math.Max(worst, Math.Abs(contributions[t] - Feature(episode.Observation(t), episode.Actions[t])));
        }
        Assert.True(worst < 0.02, $"largest step error {worst}");
    }

    [Fact]
    public void The_sum_constraint_holds_on_the_training_episodes()
    {
        var (episodes, outcomes) = HandBuilt(120, seed: 4);
        using var estimator = Linear();
        estimator.Train(episodes, outcomes);
        for (int e = 0; e < episodes.Count; e++)
            Assert.Equal(outcomes[e], estimator.Contributions(episodes[e]).Sum(), 0.02f);
    }

    [Fact]
    public void An_untrained_estimator_does_not_meet_the_sum_constraint()
    {
        // The check above is not vacuous: before training the sums are far from the outcomes.
        var (episodes, outcomes) = HandBuilt(50, seed: 4);
        using var estimator = Linear();
        double error = episodes.Select((episode, e) => Math.Abs(estimator.Contributions(episode).Sum() - outcomes[e])).Average();
        Assert.True(error > 0.1, $"mean sum error {error} before training");
    }

    [Fact]
    public void Steps_scored_one_by_one_get_the_trained_features()
    {
        // The per-transition path a reward stage uses, on steps of episodes never seen: each is that step's feature.
        var (episodes, outcomes) = HandBuilt(200, seed: 1);
        using var estimator = Linear();
        estimator.Train(episodes, outcomes);
        var (unseen, _) = HandBuilt(5, seed: 9);
        foreach (var episode in unseen)
        {
            var contributions = new float[episode.Length];
            estimator.StepContributions(episode.Observations, episode.Actions, contributions);
            for (int t = 0; t < episode.Length; t++) Assert.Equal(Feature(episode.Observation(t), episode.Actions[t]), contributions[t], 0.02f);
        }
    }

    [Fact]
    public void Outcomes_and_episodes_must_pair_up()
    {
        var (episodes, outcomes) = HandBuilt(5, seed: 4);
        using var estimator = Linear();
        var ex = Assert.Throws<ArgumentException>(() => estimator.Train(episodes, outcomes.Take(4).ToList()));
        Assert.Contains("5 items and 4 targets", ex.Message);
    }
}
