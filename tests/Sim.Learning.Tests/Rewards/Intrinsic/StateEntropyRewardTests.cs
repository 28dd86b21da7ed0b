using Sim.Rewards.Robot;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Rewards.Intrinsic;

/// <summary>Checks the k-NN state-entropy bonus against distances and standard deviations worked out by hand.</summary>
public sealed class StateEntropyRewardTests
{
    // Points on a line at 0, 1, 3, 6, 10: easy to sort distances by hand.
    static Tensor Line(params float[] xs) => tensor(xs).reshape(xs.Length, 1);

    [Fact]
    public void The_distance_is_to_the_kth_nearest_reference_state_counting_the_state_itself()
    {
        using var reward = new StateEntropyReward(CPU, rank: 3);
        using var reference = Line(0, 1, 3, 6, 10);
        using var states = Line(0, 6);
        using var distances = reward.Distances(states, reference);
        // From 0: distances 0, 1, 3, 6, 10 → 3rd smallest is 3. From 6: 0, 3, 4, 5, 6 → 3rd smallest is 4.
        Assert.Equal(new[] { 3f, 4f }, distances.data<float>().ToArray());
    }

    [Fact]
    public void Chunking_the_reference_set_does_not_change_the_result()
    {
        using var reward = new StateEntropyReward(CPU, rank: 2);
        using var generator = new Generator(5);
        using var reference = randn(new long[] { 50, 3 }, generator: generator);
        using var states = randn(new long[] { 7, 3 }, generator: generator);
        using var whole = reward.Distances(states, reference, chunkRows: 1000);
        using var chunked = reward.Distances(states, reference, chunkRows: 4);
        var expected = whole.data<float>().ToArray();
        var actual = chunked.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void The_bonus_is_divided_by_the_running_std_of_all_distances_so_far()
    {
        using var reward = new StateEntropyReward(CPU, rank: 1);
        using var reference = Line(0);
        // Rank 1 against the single reference point 0: the distance is |x|.
        using var first = reward.Compute(Line(1, 3), reference);
        // Distances so far {1, 3}: population std 1.
        Assert.Equal(new[] { 1f, 3f }, first.data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
        using var second = reward.Compute(Line(5, 7), reference);
        // Distances so far {1, 3, 5, 7}: mean 4, variance (9 + 1 + 1 + 9) / 4 = 5.
        double std = Math.Sqrt(5);
        var values = second.data<float>().ToArray();
        Assert.Equal(5 / std, values[0], 4);
        Assert.Equal(7 / std, values[1], 4);
        using var running = reward.RunningStd();
        Assert.Equal(std, running.to(ScalarType.Float64).data<double>()[0], 9);
    }

    [Fact]
    public void Too_small_a_reference_set_or_mismatched_widths_are_rejected()
    {
        using var reward = new StateEntropyReward(CPU, rank: 6);
        var tooFew = Assert.Throws<ArgumentException>(() => reward.Distances(Line(0), Line(0, 1, 2)));
        Assert.Contains("3 states", tooFew.Message);
        Assert.Contains("rank = 6", tooFew.Message);
        Assert.Throws<ArgumentException>(() => reward.Distances(zeros(2, 3), zeros(8, 4)));
    }
}
