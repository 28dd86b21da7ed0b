using System.Buffers.Binary;
using Sim.Learning.Runs;
using SkiaSharp;

namespace Sim.Learning.Tests.Runs;

/// <summary>Checks the learning-curve PNGs: valid PNG files of the asked size with something drawn, written without leftovers.</summary>
public sealed class LearningCurvePlotTests
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Moving_average_is_the_mean_of_the_last_window_values()
    {
        double[] values = [1, 2, 3, 4, 5];
        // Window 2: 1, (1+2)/2, (2+3)/2, (3+4)/2, (4+5)/2.
        Assert.Equal([1, 1.5, 2.5, 3.5, 4.5], LearningCurvePlot.MovingAverage(values, 2));
        // Window 3: 1, (1+2)/2, (1+2+3)/3, (2+3+4)/3, (3+4+5)/3.
        Assert.Equal([1, 1.5, 2, 3, 4], LearningCurvePlot.MovingAverage(values, 3));
        Assert.Equal(values, LearningCurvePlot.MovingAverage(values, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningCurvePlot.MovingAverage(values, 0));
    }

    [Fact]
    public void The_curve_is_a_png_of_the_asked_size_with_the_data_drawn()
    {
        using var temp = new TempDirectory();
        string path = temp.File("curve.png");
        var returns = Enumerable.Range(0, 200)
            .Select(i => new MetricPoint(i * 1000L, 100 * Math.Tanh(i / 50.0) + 20 * Math.Sin(i), 0))
            .Append(new MetricPoint(201_000, double.NaN, 0))
            .ToList();

        LearningCurvePlot.WriteCurve(path, returns, "Hopper-v1__ppo__1__1700000000", width: 800, height: 500);

        byte[] png = File.ReadAllBytes(path);
        AssertPng(png, 800, 500);
        Assert.True(png.Length > 10_000, $"curve.png is only {png.Length} bytes");
        Assert.Equal(["curve.png"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        // The moving-average line is drawn in #1f77b4: some pixels must have (nearly) that colour.
        int lineColoured = CountLineColoured(png, 0, 0, 800, 500);
        Assert.True(lineColoured > 300, $"only {lineColoured} pixels have the moving-average colour");
    }

    [Fact]
    public void An_empty_series_still_gives_a_png()
    {
        using var temp = new TempDirectory();
        string path = temp.File("curve.png");
        LearningCurvePlot.WriteCurve(path, [], "nothing yet", width: 300, height: 200);
        AssertPng(File.ReadAllBytes(path), 300, 200);
    }

    [Fact]
    public void WriteForRun_writes_curve_and_loss_panels_next_to_the_metrics()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "CartPole-v1", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using (var metrics = MetricsLogger.ForRun(run))
        {
            for (int i = 0; i < 30; i++)
            {
                metrics.Log("charts/episodic_return", i, i * 500);
                metrics.Log("losses/value_loss", 1.0 / (i + 1), i * 500);
                metrics.Log("losses/policy_loss", -0.01 * i, i * 500);
                metrics.Log("losses/approx_kl", 0.001 * i, i * 500);
                metrics.Log("losses/entropy", 0.69 - 0.01 * i, i * 500);
            }
            LearningCurvePlot.WriteForRun(run, metrics);
        }

        AssertPng(File.ReadAllBytes(run.CurvePath), 900, 540);
        // Four loss panels in a grid of three columns and two rows, under a title strip.
        byte[] losses = File.ReadAllBytes(run.LossesPath);
        AssertPng(losses, 3 * 480, 36 + 2 * 320);
        // Each of the four panels has its own curve drawn; the sixth cell stays empty.
        for (int panel = 0; panel < 4; panel++)
        {
            int coloured = CountLineColoured(losses, panel % 3 * 480, 36 + panel / 3 * 320, 480, 320);
            Assert.True(coloured > 100, $"panel {panel} has only {coloured} pixels of the curve colour");
        }
        Assert.Equal(0, CountLineColoured(losses, 2 * 480, 36 + 320, 480, 320));
        Assert.DoesNotContain(Directory.GetFiles(run.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    private static int CountLineColoured(byte[] png, int left, int top, int width, int height)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        int count = 0;
        for (int y = top; y < top + height; y++)
        {
            for (int x = left; x < left + width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - 0x1f) < 12 && Math.Abs(c.Green - 0x77) < 12 && Math.Abs(c.Blue - 0xb4) < 12)
                {
                    count++;
                }
            }
        }
        return count;
    }

    private static void AssertPng(byte[] png, int width, int height)
    {
        Assert.True(png.AsSpan().StartsWith(PngSignature), "the file does not start with the PNG signature");
        // The first chunk is IHDR: length 13, type "IHDR", then big-endian width and height.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
