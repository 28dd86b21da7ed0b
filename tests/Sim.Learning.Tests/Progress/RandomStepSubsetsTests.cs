using Sim.Learning.Progress;
using Sim.Learning.Tests.Rewards.Progress;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Progress;

namespace Sim.Learning.Tests.Progress;

public sealed class RandomStepSubsetsTests
{
    // An episode of `length` steps whose observation row t is (t, 100 + t) and whose action row t is −t, so every row
    // says which step it came from.
    static Segment Numbered(int length, long number = 0) => new()
    {
        Source = "test",
        EnvId = "none",
        Episode = number,
        Length = length,
        ObservationSize = 2,
        ActionSize = 1,
        Observations = Enumerable.Range(0, length).SelectMany(t => new float[] { t, 100 + t }).ToArray(),
        Actions = Enumerable.Range(0, length).Select(t => (float)-t).ToArray(),
        TrueRewards = new float[length],
    };

    [Fact]
    public void Each_item_is_k_distinct_steps_of_its_episode_with_the_outcome_scaled_by_k_over_t()
    {
        var episodes = new[] { Numbered(40, 0), Numbered(10, 1) };
        var (items, targets) = RandomStepSubsets.Draw(episodes, [8f, -3f], steps: 4, rounds: 3, seed: 11);

        Assert.Equal(6, items.Length);
        for (int k = 0; k < items.Length; k++)
        {
            var episode = episodes[k % 2]; // round-major: episode 0, episode 1, episode 0, …
            var item = items[k];
            Assert.Equal(episode.Episode, item.Episode);
            Assert.Equal(4, item.Length);
            var steps = Enumerable.Range(0, 4).Select(i => (int)item.Observation(i)[0]).ToArray();
            Assert.Equal(4, steps.Distinct().Count());
            for (int i = 0; i < 4; i++)
            {
                Assert.InRange(steps[i], 0, episode.Length - 1);
                Assert.Equal(100 + steps[i], item.Observation(i)[1]);
                Assert.Equal(-steps[i], item.Actions[i]);
            }
        }
        // 8 · 4/40 and −3 · 4/10, by hand.
        Assert.Equal([0.8f, -1.2f, 0.8f, -1.2f, 0.8f, -1.2f], targets, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Episodes_no_longer_than_k_are_used_whole_with_the_outcome_unscaled()
    {
        var shortEpisode = Numbered(5);
        var (items, targets) = RandomStepSubsets.Draw([shortEpisode], [2.5f], steps: 5, rounds: 2, seed: 1);
        Assert.All(items, item => Assert.Same(shortEpisode, item));
        Assert.Equal([2.5f, 2.5f], targets);
    }

    [Fact]
    public void Every_step_is_drawn_equally_often_so_the_scaled_subset_sum_is_unbiased()
    {
        // Over many rounds each of the 20 steps is drawn with probability 5/20; the scaled subset sum of the step
        // numbers then averages their whole sum, 0 + 1 + … + 19 = 190.
        const int rounds = 8000;
        var (items, _) = RandomStepSubsets.Draw([Numbered(20)], [0f], steps: 5, rounds: rounds, seed: 7);
        var counts = new int[20];
        double scaledSum = 0;
        foreach (var item in items)
            for (int i = 0; i < item.Length; i++)
            {
                int step = (int)item.Observation(i)[0];
                counts[step]++;
                scaledSum += step * 20.0 / 5;
            }
        // Each count is Binomial(8000, 0.25): mean 2000, standard deviation about 39; 5 deviations is the bound.
        Assert.All(counts, count => Assert.InRange(count, 2000 - 195, 2000 + 195));
        Assert.Equal(190, scaledSum / rounds, 2.0);
    }

    [Fact]
    public void The_same_seed_draws_the_same_subsets_and_another_seed_others()
    {
        Segment[] episodes = [Numbered(30)];
        static float[] Rows(Segment[] items) => items.SelectMany(item => item.Actions).ToArray();
        var first = Rows(RandomStepSubsets.Draw(episodes, [1f], 6, 4, seed: 3).Items);
        Assert.Equal(first, Rows(RandomStepSubsets.Draw(episodes, [1f], 6, 4, seed: 3).Items));
        Assert.NotEqual(first, Rows(RandomStepSubsets.Draw(episodes, [1f], 6, 4, seed: 4).Items));
    }

    [Fact]
    public void An_estimator_fitted_on_subset_sums_reaches_the_least_squares_solution_of_those_sums()
    {
        // Episodes of 12 to 30 steps whose outcome is the sum of a known per-step feature. Fitted on sums of 6 random
        // steps against the outcome scaled by 6/T, a linear estimator c = w·(s0, s1, a) + b must reach the ordinary
        // least-squares solution of the same items, solved here independently by the normal equations. (That solution
        // is not the feature itself: the subset's sampling noise shrinks c_t towards each episode's mean, RRD's
        // variance penalty.)
        var (episodes, outcomes) = ProgressEstimatorTests.HandBuilt(200, seed: 1, minLength: 12, maxLength: 30);
        var (items, targets) = RandomStepSubsets.Draw(episodes, outcomes, steps: 6, rounds: 40, seed: 5);
        var solution = LeastSquares(items, targets);
        using var estimator = new ProgressEstimator(
            new StepEncoderConfig(ObservationSize: 2, ActionSize: 1, HiddenLayers: 0, TanhOutput: false),
            new EnsembleConfig { Members = 1, LearningRate = 0.01, BatchSize = 64, MaxEpochs = 6, StopAtAccuracy = null, Seed = 3 });
        estimator.Train(items, targets);

        var (unseen, _) = ProgressEstimatorTests.HandBuilt(20, seed: 2);
        double worst = 0, shrink = 0;
        foreach (var episode in unseen)
        {
            var contributions = estimator.Contributions(episode);
            for (int t = 0; t < episode.Length; t++)
            {
                var s = episode.Observation(t);
                double expected = solution[0] * s[0] + solution[1] * s[1] + solution[2] * episode.Actions[t] + solution[3];
                worst = Math.Max(worst, Math.Abs(contributions[t] - expected));
                shrink = Math.Max(shrink, Math.Abs(expected - ProgressEstimatorTests.Feature(s, episode.Actions[t])));
            }
        }
        Assert.True(worst < 0.03, $"largest step error against the least-squares solution {worst}");
        Assert.True(shrink > 0.05, $"the least-squares solution is the feature itself (largest difference {shrink}): the check would not tell the objectives apart");
    }

    // (w0, w1, w_a, b) minimising Σ_k (Σ_{i∈item k} (w·x_i + b) − target_k)², by the normal equations in double precision.
    static double[] LeastSquares(Segment[] items, float[] targets)
    {
        var normal = new double[4, 5];
        for (int k = 0; k < items.Length; k++)
        {
            var z = new double[4];
            for (int i = 0; i < items[k].Length; i++)
            {
                z[0] += items[k].Observation(i)[0];
                z[1] += items[k].Observation(i)[1];
                z[2] += items[k].Actions[i];
                z[3] += 1;
            }
            for (int r = 0; r < 4; r++)
            {
                for (int c = 0; c < 4; c++) normal[r, c] += z[r] * z[c];
                normal[r, 4] += z[r] * targets[k];
            }
        }
        // Gauss–Jordan elimination with partial pivoting on the 4 × 5 augmented matrix.
        for (int col = 0; col < 4; col++)
        {
            int pivot = Enumerable.Range(col, 4 - col).MaxBy(r => Math.Abs(normal[r, col]));
            for (int c = 0; c < 5; c++) (normal[col, c], normal[pivot, c]) = (normal[pivot, c], normal[col, c]);
            for (int r = 0; r < 4; r++)
            {
                if (r == col) continue;
                double factor = normal[r, col] / normal[col, col];
                for (int c = col; c < 5; c++) normal[r, c] -= factor * normal[col, c];
            }
        }
        return Enumerable.Range(0, 4).Select(r => normal[r, 4] / normal[r, r]).ToArray();
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Segment[] episodes = [Numbered(10)];
        Assert.Contains("1 episodes and 2 outcomes", Assert.Throws<ArgumentException>(() => RandomStepSubsets.Draw(episodes, [1f, 2f], 4, 1, 0)).Message);
        Assert.Contains("steps per subset = 0", Assert.Throws<ArgumentOutOfRangeException>(() => RandomStepSubsets.Draw(episodes, [1f], 0, 1, 0)).Message);
        Assert.Contains("rounds = 0", Assert.Throws<ArgumentOutOfRangeException>(() => RandomStepSubsets.Draw(episodes, [1f], 4, 0, 0)).Message);
    }
}
