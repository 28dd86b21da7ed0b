using Sim.Learning.Runs;

namespace Sim.Learning.Tests.Runs;

/// <summary>Checks the metrics CSV byte for byte, its flushing, and how resuming drops the steps logged after the checkpoint.</summary>
public sealed class MetricsLoggerTests
{
    // 2023-11-14T22:13:20.250Z.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);

    [Fact]
    public void The_csv_holds_one_row_per_value_in_long_format()
    {
        using var temp = new TempDirectory();
        var clock = new ManualClock(Start);
        string csv = temp.File("metrics.csv");
        using (var logger = new MetricsLogger(csv, tensorBoardDirectory: null, time: clock))
        {
            logger.Log("charts/episodic_return", 12.5, 100);
            clock.Advance(TimeSpan.FromMilliseconds(1500));
            logger.Log("losses/value_loss", 0.1, 100);
            logger.Log("charts/SPS", 1234, 2048);
            clock.Advance(TimeSpan.FromMilliseconds(7));
            logger.Log("losses/approx_kl", 1e-7, 2048);
            logger.Log("losses/explained_variance", double.NaN, 2048);
            logger.Log("losses/policy_loss", -0.30000000000000004, 4096);
        }

        // Values in .NET's shortest round-trip form ("R"), wall times in Unix seconds with three decimals.
        Assert.Equal(
            "step,tag,value,wall_time\n" +
            "100,charts/episodic_return,12.5,1700000000.250\n" +
            "100,losses/value_loss,0.1,1700000001.750\n" +
            "2048,charts/SPS,1234,1700000001.750\n" +
            "2048,losses/approx_kl,1E-07,1700000001.757\n" +
            "2048,losses/explained_variance,NaN,1700000001.757\n" +
            "4096,losses/policy_loss,-0.30000000000000004,1700000001.757\n",
            File.ReadAllText(csv));
    }

    [Fact]
    public void Rows_reach_the_file_once_the_flush_interval_has_passed()
    {
        using var temp = new TempDirectory();
        var clock = new ManualClock(Start);
        string csv = temp.File("metrics.csv");
        using var logger = new MetricsLogger(csv, null, time: clock) { FlushInterval = TimeSpan.FromSeconds(10) };

        logger.Log("charts/SPS", 1, 1);
        Assert.Equal(1, CountLines(csv));

        clock.Advance(TimeSpan.FromSeconds(10));
        logger.Log("charts/SPS", 2, 2);
        Assert.Equal(3, CountLines(csv));

        logger.Log("charts/SPS", 3, 3);
        logger.Flush();
        Assert.Equal(4, CountLines(csv));
    }

    [Fact]
    public void The_tensorboard_event_file_appears_with_the_first_scalar_not_before()
    {
        using var temp = new TempDirectory();
        string events = temp.File("tensorboard");
        using var logger = new MetricsLogger(temp.File("metrics.csv"), events, time: new ManualClock(Start));
        // A run that fails before logging must not leave an empty event file behind.
        Assert.False(Directory.Exists(events) && Directory.EnumerateFiles(events, "*", SearchOption.AllDirectories).Any());
        logger.Log("charts/SPS", 1, 1);
        Assert.Single(Directory.GetFiles(events, "events.out.tfevents.*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Flush_to_disk_makes_every_row_readable_before_the_flush_interval()
    {
        using var temp = new TempDirectory();
        string csv = temp.File("metrics.csv");
        using var logger = new MetricsLogger(csv, tensorBoardDirectory: null, time: new ManualClock(Start));
        logger.Log("a", 1, 1);
        logger.Log("a", 2, 2);
        logger.FlushToDisk();
        using var stream = new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Assert.Equal("step,tag,value,wall_time\n1,a,1,1700000000.250\n2,a,2,1700000000.250\n", new StreamReader(stream).ReadToEnd());
    }

    [Fact]
    public void Series_keep_the_logged_points_per_tag()
    {
        using var temp = new TempDirectory();
        var clock = new ManualClock(Start);
        using var logger = new MetricsLogger(temp.File("metrics.csv"), null, time: clock);
        logger.Log("charts/episodic_return", 3, 10);
        logger.Log("losses/value_loss", 9, 10);
        logger.Log("charts/episodic_return", 4, 20);

        Assert.Equal(
            [new MetricPoint(10, 3, 1_700_000_000.25), new MetricPoint(20, 4, 1_700_000_000.25)],
            logger.Series("charts/episodic_return"));
        Assert.Equal(["charts/episodic_return", "losses/value_loss"], logger.Tags.Order());
        Assert.Empty(logger.Series("charts/never"));
    }

    [Fact]
    public void Resuming_drops_rows_after_the_resume_step_and_appends_after_the_rest()
    {
        using var temp = new TempDirectory();
        var clock = new ManualClock(Start);
        string csv = temp.File("metrics.csv");
        using (var first = new MetricsLogger(csv, null, time: clock))
        {
            foreach (long step in new long[] { 100, 200, 300 })
            {
                first.Log("charts/episodic_return", step / 10.0, step);
                first.Log("losses/value_loss", 1.0 / step, step);
            }
        }

        clock.Advance(TimeSpan.FromSeconds(60));
        using (var resumed = new MetricsLogger(csv, null, resumeFromStep: 200, time: clock))
        {
            Assert.Equal([10.0, 20.0], resumed.Series("charts/episodic_return").Select(p => p.Value));
            resumed.Log("charts/episodic_return", 31, 300);
        }

        Assert.Equal(
            "step,tag,value,wall_time\n" +
            "100,charts/episodic_return,10,1700000000.250\n" +
            "100,losses/value_loss,0.01,1700000000.250\n" +
            "200,charts/episodic_return,20,1700000000.250\n" +
            "200,losses/value_loss,0.005,1700000000.250\n" +
            "300,charts/episodic_return,31,1700000060.250\n",
            File.ReadAllText(csv));
    }

    [Fact]
    public void Resuming_drops_a_row_cut_short_by_a_crash()
    {
        using var temp = new TempDirectory();
        string csv = temp.File("metrics.csv");
        File.WriteAllText(csv, "step,tag,value,wall_time\n10,charts/SPS,5,1700000000.000\n20,charts/SPS,6,17000");
        var clock = new ManualClock(Start);

        using (var resumed = new MetricsLogger(csv, null, resumeFromStep: 1000, time: clock))
        {
            resumed.Log("charts/SPS", 7, 30);
        }

        Assert.Equal(
            "step,tag,value,wall_time\n10,charts/SPS,5,1700000000.000\n30,charts/SPS,7,1700000000.250\n",
            File.ReadAllText(csv));
    }

    [Fact]
    public void Opening_a_csv_with_rows_without_a_resume_step_is_refused()
    {
        using var temp = new TempDirectory();
        string csv = temp.File("metrics.csv");
        string original = "step,tag,value,wall_time\n10,charts/SPS,5,1700000000.000\n20,charts/SPS,6,1700000000.000\n";
        File.WriteAllText(csv, original);

        var error = Assert.Throws<InvalidOperationException>(() => new MetricsLogger(csv, null));
        Assert.Contains(csv, error.Message);
        Assert.Contains("2 rows", error.Message);
        Assert.Equal(original, File.ReadAllText(csv));
    }

    [Fact]
    public void A_corrupt_row_is_reported_with_its_line_number()
    {
        using var temp = new TempDirectory();
        string csv = temp.File("metrics.csv");
        File.WriteAllText(csv, "step,tag,value,wall_time\n10,charts/SPS,5,1700000000.000\n20,charts/SPS,six,1700000000.000\n30,charts/SPS,7,1700000000.000\n");

        var error = Assert.Throws<InvalidDataException>(() => new MetricsLogger(csv, null, resumeFromStep: 100));
        Assert.Contains(csv, error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.Contains("20,charts/SPS,six", error.Message);

        File.WriteAllText(csv, "time,name,number\n");
        var header = Assert.Throws<InvalidDataException>(() => new MetricsLogger(csv, null, resumeFromStep: 100));
        Assert.Contains("step,tag,value,wall_time", header.Message);
    }

    [Theory]
    [InlineData("losses,value")]
    [InlineData("say \"hi\"")]
    [InlineData("two\nlines")]
    [InlineData("")]
    public void Tags_that_would_break_the_csv_are_refused(string tag)
    {
        using var temp = new TempDirectory();
        using var logger = new MetricsLogger(temp.File("metrics.csv"), null);
        Assert.Throws<ArgumentException>(() => logger.Log(tag, 1, 1));
    }

    [Fact]
    public void Negative_steps_are_refused()
    {
        using var temp = new TempDirectory();
        using var logger = new MetricsLogger(temp.File("metrics.csv"), null);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => logger.Log("charts/SPS", 1, -5));
        Assert.Contains("charts/SPS", error.Message);
    }

    private static int CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Count(c => c == '\n');
    }
}
