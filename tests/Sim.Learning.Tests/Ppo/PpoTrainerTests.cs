using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;
using TorchSharp;
using Xunit.Abstractions;

namespace Sim.Learning.Tests.Ppo;

/// <summary>Checks the PPO trainer end to end on classic-control envs: learning, determinism, memory and env requirements.</summary>
public sealed class PpoTrainerTests
{
    private readonly ITestOutputHelper _output;

    public PpoTrainerTests(ITestOutputHelper output) => _output = output;

    private static IVectorEnv CartPole(int numEnvs, ulong seed) =>
        new RecordEpisodeStatistics(Envs.Envs.Make("CartPole-v1", numEnvs, seed, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep }));

    [Fact]
    public void Learns_cartpole_to_an_average_return_of_195()
    {
        // Seeds 1 to 5 all got there in 30k–34k steps, so the budget leaves a margin of about 3×.
        const long budget = 100_000;
        const int window = 20;
        var config = PpoConfig.DiscreteDefaults with { NumEnvs = 8, NumSteps = 128, TotalTimesteps = budget, Seed = 1, TorchThreads = 1 };
        using var env = CartPole(config.NumEnvs, config.Seed);
        using var trainer = new PpoTrainer(env, config);
        var recent = new Queue<double>();
        trainer.EpisodeCompleted += episode =>
        {
            recent.Enqueue(episode.Return);
            if (recent.Count > window) recent.Dequeue();
        };

        double best = double.NegativeInfinity;
        long reachedAt = -1;
        while (trainer.Iteration < config.NumIterations)
        {
            var metrics = trainer.RunIteration();
            double mean = recent.Count == window ? recent.Average() : double.NaN;
            if (mean > best) best = mean;
            if (trainer.Iteration % 10 == 0)
                _output.WriteLine($"step {metrics.GlobalStep}: last {window} episodes {mean:F1}, value loss {metrics.ValueLoss:F3}, entropy {metrics.Entropy:F3}, SPS {metrics.StepsPerSecond:F0}");
            if (mean >= 195)
            {
                reachedAt = metrics.GlobalStep;
                break;
            }
        }
        _output.WriteLine($"reached {best:F1} at step {reachedAt} (budget {budget})");
        Assert.True(reachedAt > 0, $"best mean return over {window} episodes was {best:F1} within {budget} steps; expected ≥ 195");
    }

    [Fact]
    public void Live_tensor_count_stays_flat_over_1000_updates()
    {
        // 2 minibatches per iteration, so 500 iterations are 1,000 optimizer updates.
        var config = PpoConfig.DiscreteDefaults with
        {
            NumEnvs = 2, NumSteps = 8, NumMinibatches = 2, UpdateEpochs = 1, TotalTimesteps = 16 * 600, TorchThreads = 1,
        };
        using var env = CartPole(config.NumEnvs, 0);
        using var trainer = new PpoTrainer(env, config);
        // Warm up: Adam creates its moment buffers on the first step.
        for (int i = 0; i < 10; i++) trainer.RunIteration();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 500; i++) trainer.RunIteration();

        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        _output.WriteLine($"live tensors on this thread: {before} before, {after} after 1,000 updates");
        Assert.Equal(before, after);
    }

    [Fact]
    public void Same_seed_gives_identical_runs_and_another_seed_does_not()
    {
        var config = PpoConfig.DiscreteDefaults with
        {
            NumEnvs = 4, NumSteps = 32, NumMinibatches = 2, UpdateEpochs = 2, TotalTimesteps = 128 * 4, TorchThreads = 1,
        };
        var first = Run(config with { Seed = 3 });
        var second = Run(config with { Seed = 3 });
        var other = Run(config with { Seed = 4 });

        Assert.Equal(first.Metrics, second.Metrics with { StepsPerSecond = first.Metrics.StepsPerSecond });
        Assert.Equal(first.Weights, second.Weights);
        Assert.NotEqual(first.Weights, other.Weights);

        static (PpoIterationMetrics Metrics, float[] Weights) Run(PpoConfig config)
        {
            using var env = CartPole(config.NumEnvs, 99);
            using var trainer = new PpoTrainer(env, config);
            PpoIterationMetrics metrics = default;
            for (int i = 0; i < 3; i++) metrics = trainer.RunIteration();
            var weights = trainer.Agent.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
            return (metrics, weights);
        }
    }

    [Fact]
    public void Metrics_use_cleanrl_tags_and_the_learning_rate_anneals_linearly()
    {
        var config = PpoConfig.DiscreteDefaults with
        {
            NumEnvs = 4, NumSteps = 64, NumMinibatches = 4, UpdateEpochs = 1, TotalTimesteps = 256 * 4, TorchThreads = 1,
        };
        using var env = CartPole(config.NumEnvs, 0);
        using var trainer = new PpoTrainer(env, config);
        var raised = new List<PpoIterationMetrics>();
        trainer.IterationCompleted += raised.Add;
        var episodes = new List<EpisodeEnd>();
        trainer.EpisodeCompleted += episodes.Add;

        trainer.Train();

        Assert.Equal(4, raised.Count);
        Assert.Equal(new long[] { 256, 512, 768, 1024 }, raised.Select(m => m.GlobalStep));
        // lr_k = lr · (1 − (k − 1)/N) with N = 4 iterations.
        Assert.Equal(new[] { 2.5e-4, 1.875e-4, 1.25e-4, 0.625e-4 }, raised.Select(m => m.LearningRate), new ToleranceComparer(1e-12));
        // A near-uniform random CartPole policy ends episodes within 256 steps in every env.
        var last = raised[^1];
        Assert.True(raised.Sum(m => m.EpisodeCount) == episodes.Count && episodes.Count > 0);
        Assert.All(episodes, e => Assert.Equal(e.Length, e.Return));   // reward 1 per step
        var tags = last.Scalars().Select(kv => kv.Key).ToList();
        Assert.Equal(new[]
        {
            "charts/learning_rate", "charts/episodic_return", "charts/episodic_length", "charts/SPS",
            "losses/value_loss", "losses/policy_loss", "losses/entropy", "losses/old_approx_kl",
            "losses/approx_kl", "losses/clipfrac", "losses/explained_variance",
        }.Where(t => last.EpisodeCount > 0 || !t.StartsWith("charts/episodic", StringComparison.Ordinal)), tags);
        Assert.All(last.Scalars(), kv => Assert.True(double.IsFinite(kv.Value), $"{kv.Key} = {kv.Value}"));
        Assert.InRange(last.ClipFraction, 0, 1);
        Assert.True(last.Entropy > 0 && last.Entropy <= Math.Log(2) + 1e-6);
    }

    [Fact]
    public void Continuous_actions_train_with_a_gaussian_policy_on_truncated_episodes()
    {
        // Pendulum never terminates: every episode ends by the 200-step time limit, exercising the truncation bootstrap.
        // The wrappers are CleanRL's stack; episode statistics sit inside the normalisation, so returns stay raw.
        var config = new PpoConfig { NumEnvs = 2, NumSteps = 256, NumMinibatches = 4, UpdateEpochs = 2, TotalTimesteps = 512 * 2, TorchThreads = 1 };
        IVectorEnv inner = Envs.Envs.Make("Pendulum-v1", config.NumEnvs, 0, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        using var env = new NormalizeReward(new NormalizeObservation(new ClipAction(new RecordEpisodeStatistics(inner))), config.Gamma);
        using var trainer = new PpoTrainer(env, config);
        var episodes = new List<EpisodeEnd>();
        trainer.EpisodeCompleted += episodes.Add;

        var first = trainer.RunIteration();
        var second = trainer.RunIteration();

        Assert.IsType<Sim.Learning.Modules.GaussianPolicy>(trainer.Agent.Actor);
        Assert.Equal(4, episodes.Count);   // 2 envs × 512 steps / 200 per episode, rounded down
        Assert.All(episodes, e => Assert.Equal(200, e.Length));
        // Raw Pendulum rewards are in [−16.3, 0] per step and an untrained policy's episodes sum to about −1000;
        // normalised rewards are divided by the std of the discounted return (hundreds here) and would sum to tens.
        Assert.All(episodes, e => Assert.InRange(e.Return, -16.3 * 200, 0));
        Assert.True(episodes.Average(e => e.Return) < -300, $"mean return {episodes.Average(e => e.Return):F1}: expected raw (unnormalised) returns");
        Assert.All(second.Scalars(), kv => Assert.True(double.IsFinite(kv.Value), $"{kv.Key} = {kv.Value}"));
        // Gaussian entropy per dimension starts at ½ + ½ ln 2π ≈ 1.419 (log-std 0) and moves only slightly in two updates.
        Assert.InRange(first.Entropy, 1.3, 1.55);
    }

    [Fact]
    public void Envs_without_same_step_autoreset_or_with_the_wrong_count_are_rejected()
    {
        var config = PpoConfig.DiscreteDefaults with { NumEnvs = 2, TotalTimesteps = 4096 };
        using (var nextStep = Envs.Envs.Make("CartPole-v1", 2, 0, new VectorEnvOptions { AutoresetMode = AutoresetMode.NextStep }))
        {
            var ex = Assert.Throws<ArgumentException>(() => new PpoTrainer(nextStep, config));
            Assert.Contains("NextStep", ex.Message);
            Assert.Contains("SameStep", ex.Message);
        }
        using (var three = CartPole(3, 0))
        {
            var ex = Assert.Throws<ArgumentException>(() => new PpoTrainer(three, config));
            Assert.Contains("3 envs", ex.Message);
            Assert.Contains("NumEnvs = 2", ex.Message);
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double value) => 0;
    }

    [Fact]
    public void Rollout_cuts_advantages_at_terminations_and_bootstraps_truncations_from_the_final_value()
    {
        const double gamma = 0.99;
        // CartPole episodes under a near-uniform policy terminate after ~20 steps; Pendulum's are truncated at 200.
        var cartPole = PpoConfig.DiscreteDefaults with { NumEnvs = 2, NumSteps = 64, NumMinibatches = 2, UpdateEpochs = 1, TotalTimesteps = 128, TorchThreads = 1 };
        using (var env = CartPole(cartPole.NumEnvs, 0))
        using (var trainer = new PpoTrainer(env, cartPole))
        {
            trainer.RunIteration();
            var rollout = Host(trainer.Rollout);
            int ends = 0;
            for (int i = 0; i < rollout.Terminated.Length; i++)
            {
                if (rollout.Terminated[i] == 0) continue;
                ends++;
                // Terminal: A = r − V, with no bootstrap and nothing carried back from the next episode.
                Assert.Equal(rollout.Rewards[i] - rollout.Values[i], rollout.Advantages[i], 1e-5);
            }
            Assert.True(ends > 0, "expected some CartPole episodes to terminate within 64 steps");
            Assert.All(rollout.Truncated, t => Assert.Equal(0f, t));
        }

        var pendulum = new PpoConfig { NumEnvs = 2, NumSteps = 256, NumMinibatches = 2, UpdateEpochs = 1, TotalTimesteps = 512, TorchThreads = 1 };
        using (var env = new RecordEpisodeStatistics(Envs.Envs.Make("Pendulum-v1", pendulum.NumEnvs, 0, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep })))
        using (var trainer = new PpoTrainer(env, pendulum))
        {
            trainer.RunIteration();
            var rollout = Host(trainer.Rollout);
            for (int step = 0; step < pendulum.NumSteps; step++)
            {
                for (int e = 0; e < pendulum.NumEnvs; e++)
                {
                    int i = step * pendulum.NumEnvs + e;
                    Assert.Equal(0f, rollout.Terminated[i]);
                    // Episodes start at step 0 and last 200 steps, so only step 199 is truncated.
                    Assert.Equal(step == 199 ? 1f : 0f, rollout.Truncated[i]);
                    if (step != 199)
                    {
                        Assert.Equal(0f, rollout.FinalValues[i]);
                        continue;
                    }
                    Assert.NotEqual(0f, rollout.FinalValues[i]);
                    // Truncated: A = r + γ V(final obs) − V, cut there.
                    Assert.Equal(rollout.Rewards[i] + gamma * rollout.FinalValues[i] - rollout.Values[i], rollout.Advantages[i], 1e-4);
                }
            }
        }
    }

    private static (float[] Rewards, float[] Values, float[] Terminated, float[] Truncated, float[] FinalValues, float[] Advantages) Host(
        Sim.Learning.Rollouts.RolloutBuffer rollout) =>
        (rollout.Rewards.data<float>().ToArray(), rollout.Values.data<float>().ToArray(), rollout.Terminated.data<float>().ToArray(),
         rollout.Truncated.data<float>().ToArray(), rollout.FinalValues.data<float>().ToArray(), rollout.Advantages.data<float>().ToArray());
}
