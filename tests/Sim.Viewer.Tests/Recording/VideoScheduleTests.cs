using Sim.Viewer.Recording;

namespace Sim.Viewer.Tests.Recording;

public sealed class VideoScheduleTests
{
    // Gymnasium's capped_cubic_video_schedule: cubes below 1000, then multiples of 1000.
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(8L)]
    [InlineData(27L)]
    [InlineData(64L)]
    [InlineData(125L)]
    [InlineData(216L)]
    [InlineData(343L)]
    [InlineData(512L)]
    [InlineData(729L)]
    [InlineData(1000L)]
    [InlineData(2000L)]
    [InlineData(1_000_000L)]
    public void Capped_cubic_records_cubes_below_1000_and_thousands_above(long episode) => Assert.True(VideoSchedule.CappedCubic(episode));

    [Theory]
    [InlineData(2L)]
    [InlineData(7L)]
    [InlineData(9L)]
    [InlineData(26L)]
    [InlineData(28L)]
    [InlineData(999L)]
    [InlineData(1001L)]
    [InlineData(1331L)] // 11³, but past the cap
    [InlineData(1500L)]
    public void Capped_cubic_skips_everything_else(long episode) => Assert.False(VideoSchedule.CappedCubic(episode));

    [Fact]
    public void Capped_cubic_picks_exactly_the_ten_cubes_below_1000()
    {
        var picked = Enumerable.Range(0, 1000).Where(k => VideoSchedule.CappedCubic(k)).ToArray();
        Assert.Equal([0, 1, 8, 27, 64, 125, 216, 343, 512, 729], picked);
    }

    [Fact]
    public void Every_n_picks_multiples_of_n()
    {
        var every3 = VideoSchedule.Every(3);
        Assert.Equal([0, 3, 6, 9], Enumerable.Range(0, 11).Where(k => every3(k)).ToArray());
        Assert.True(Enumerable.Range(0, 5).All(k => VideoSchedule.Every(1)(k)));
    }

    [Fact]
    public void Bad_values_name_the_problem()
    {
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => VideoSchedule.CappedCubic(-1));
        Assert.Contains("-1", negative.Message);
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => VideoSchedule.Every(0));
        Assert.Contains("at least 1", zero.Message);
    }
}
