using Sim.Foundation;
using Sim.Core.Spaces;

namespace Sim.Core.Tests.Spaces;

public class SpaceTests
{
    [Fact]
    public void An_empty_box_describes_itself()
    {
        // A model with no actuators has an empty action box; describing it used to throw "Sequence contains no elements".
        Assert.Equal("Box(0)", new Box([], []).ToString());
        Assert.Equal("Box(2, [-1, 3])", new Box([-1f, 0f], [1f, 3f]).ToString());
    }

    [Fact]
    public void A_zero_size_box_samples_checks_and_describes_itself()
    {
        // An MJCF task may observe nothing (a bandit-like robot); every way of making the box must allow size 0.
        var empty = new Box(0, -1f, 1f);
        var unbounded = Box.Unbounded(0);
        Assert.Equal(0, empty.FlatSize);
        Assert.Equal("Box(0)", empty.ToString());
        Assert.Equal("Box(0)", unbounded.ToString());
        var rng = new SimRandom(1);
        empty.Sample(ref rng, Span<float>.Empty);
        Assert.Throws<ArgumentException>(() => empty.Sample(ref rng, new float[1]));
        Assert.True(empty.Contains(ReadOnlySpan<float>.Empty));
        Assert.False(empty.Contains([0f]));
        Assert.True(empty.AllValidActions(ReadOnlySpan<float>.Empty));
        empty.ValidateAction(ReadOnlySpan<float>.Empty, env: 0);
        Assert.Contains("negative", Assert.Throws<ArgumentOutOfRangeException>(() => new Box(-1, 0f, 1f)).Message);
    }

    [Fact]
    public void A_dict_space_with_a_zero_size_entry_lays_out_the_others()
    {
        var dict = new DictSpace(("nothing", Box.Unbounded(0)), ("goal", new Box(2, -1f, 1f)));
        Assert.Equal(2, dict.FlatSize);
        Assert.Equal((0, 0), dict.Range("nothing"));
        Assert.Equal((0, 2), dict.Range("goal"));
        Assert.Equal("Dict(nothing: Box(0), goal: Box(2, [-1, 1]))", dict.ToString());
        var sample = new float[2];
        var rng = new SimRandom(2);
        dict.Sample(ref rng, sample);
        Assert.True(dict.Contains(sample));
        Assert.Equal(0, dict.Slice(sample, "nothing").Length);
    }

    [Fact]
    public void Box_samples_stay_within_bounds_and_cover_them()
    {
        var box = new Box([-1f, 0f, 10f], [1f, 0.5f, 20f]);
        box.Seed(3);
        var sample = new float[3];
        float min2 = float.MaxValue, max2 = float.MinValue;
        for (int i = 0; i < 10_000; i++)
        {
            box.Sample(sample);
            Assert.True(box.Contains(sample), $"sample [{string.Join(", ", sample)}] outside {box}");
            min2 = Math.Min(min2, sample[2]);
            max2 = Math.Max(max2, sample[2]);
        }
        // Uniform on [10, 20]: 10,000 draws come within 0.01 of both ends.
        Assert.InRange(min2, 10f, 10.01f);
        Assert.InRange(max2, 19.99f, 20f);
    }

    [Fact]
    public void Box_unbounded_samples_are_standard_normal()
    {
        var box = Box.Unbounded(1);
        var rng = new SimRandom(11);
        var sample = new float[1];
        double sum = 0, sumSq = 0;
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            box.Sample(ref rng, sample);
            sum += sample[0];
            sumSq += sample[0] * sample[0];
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        // Standard errors: 1/sqrt(n) ≈ 0.007 for the mean, ≈ 0.01 for the variance.
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.95, 1.05);
    }

    [Fact]
    public void Same_seed_gives_the_same_samples()
    {
        var a = new Box(4, -2f, 2f);
        var b = new Box(4, -2f, 2f);
        a.Seed(99);
        b.Seed(99);
        var x = new float[4];
        var y = new float[4];
        for (int i = 0; i < 10; i++)
        {
            a.Sample(x);
            b.Sample(y);
            Assert.Equal(x, y);
        }
    }

    [Fact]
    public void Box_contains_rejects_nan_wrong_length_and_out_of_range()
    {
        var box = new Box(2, -1f, 1f);
        Assert.True(box.Contains([1f, -1f]));
        Assert.False(box.Contains([1.0001f, 0f]));
        Assert.False(box.Contains([float.NaN, 0f]));
        Assert.False(box.Contains([0f]));
    }

    [Fact]
    public void Box_with_crossed_bounds_is_an_error_naming_the_dimension()
    {
        var e = Assert.Throws<ArgumentException>(() => new Box([0f, 1f], [1f, 0f]));
        Assert.Contains("bound 1", e.Message);
        Assert.Contains("[1, 0]", e.Message);
    }

    [Fact]
    public void Box_batch_check_agrees_with_row_checks()
    {
        var box = new Box(3, -1f, 1f);
        var batch = new float[3 * 17];
        Assert.True(box.AllValidActions(batch));
        batch[3 * 16 + 2] = float.PositiveInfinity; // in the scalar tail past the SIMD blocks
        Assert.False(box.AllValidActions(batch));
        var e = Assert.Throws<ArgumentException>(() => box.ValidateAction(batch.AsSpan(3 * 16, 3), 16));
        Assert.Contains("action[2] = Infinity in env 16", e.Message);
    }

    [Fact]
    public void Discrete_samples_every_value_and_nothing_else()
    {
        var space = new Discrete(5);
        space.Seed(1);
        var counts = new int[5];
        var sample = new float[1];
        for (int i = 0; i < 5_000; i++)
        {
            space.Sample(sample);
            Assert.True(space.Contains(sample));
            counts[(int)sample[0]]++;
        }
        // Each value has probability 1/5: 1,000 ± 4 standard deviations (≈ 113).
        Assert.All(counts, c => Assert.InRange(c, 880, 1120));
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(3f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void Discrete_rejects_out_of_range_and_fractional_actions(float bad)
    {
        var space = new Discrete(3);
        Assert.False(space.Contains([bad]));
        Assert.False(space.AllValidActions([0f, 1f, bad, 2f, 0f, 1f, 2f, 0f, 1f]));
        var e = Assert.Throws<ArgumentException>(() => space.ValidateAction([bad], 4));
        Assert.Contains("env 4", e.Message);
        Assert.Contains("[0, 2]", e.Message);
    }

    [Fact]
    public void Dict_space_lays_keys_out_in_order_and_slices_them()
    {
        var space = new DictSpace(("observation", Box.Unbounded(4)), ("achieved_goal", new Box(2, -1f, 1f)), ("desired_goal", new Box(2, -1f, 1f)));
        Assert.Equal(8, space.FlatSize);
        Assert.Equal((4, 2), space.Range("achieved_goal"));
        Assert.Equal((6, 2), space.Range("desired_goal"));
        float[] row = [0, 1, 2, 3, 4, 5, 6, 7];
        Assert.Equal([4f, 5f], space.Slice(row, "achieved_goal").ToArray());
        var e = Assert.Throws<KeyNotFoundException>(() => space.Range("goal"));
        Assert.Contains("observation, achieved_goal, desired_goal", e.Message);
    }

    [Fact]
    public void Dict_space_contains_checks_every_part()
    {
        var space = new DictSpace(("a", new Box(1, 0f, 1f)), ("b", new Discrete(2)));
        Assert.True(space.Contains([0.5f, 1f]));
        Assert.False(space.Contains([0.5f, 2f]));
        Assert.False(space.Contains([1.5f, 0f]));
        space.Seed(5);
        var sample = new float[2];
        for (int i = 0; i < 100; i++)
        {
            space.Sample(sample);
            Assert.True(space.Contains(sample));
        }
    }

    [Fact]
    public void Dict_space_rejects_duplicate_keys()
    {
        var e = Assert.Throws<ArgumentException>(() => new DictSpace(("a", new Discrete(2)), ("a", new Discrete(3))));
        Assert.Contains("'a'", e.Message);
    }
}
