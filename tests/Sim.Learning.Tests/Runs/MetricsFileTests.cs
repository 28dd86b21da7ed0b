using Sim.Learning.Runs;

namespace Sim.Learning.Tests.Runs;

/// <summary>Checks reading finished runs' metrics and drawing a comparison of them.</summary>
public sealed class MetricsFileTests
{
    [Fact]
    public void Reads_every_series_by_tag_and_ignores_a_row_cut_short()
    {
        using var dir = new TempDirectory();
        string path = dir.File("metrics.csv");
        File.WriteAllText(path, "step,tag,value,wall_time\n10,charts/episodic_return,-5.5,100\n10,charts/SPS,300,100\n20,charts/episodic_return,7,101\n30,charts/epis");
        var series = MetricsFile.Read(path);
        Assert.Equal(new[] { "charts/SPS", "charts/episodic_return" }, series.Keys.Order().ToArray());
        Assert.Equal(new[] { new MetricPoint(10, -5.5, 100), new MetricPoint(20, 7, 101) }, series["charts/episodic_return"]);
    }

    [Fact]
    public void A_malformed_row_or_header_names_the_file_and_line()
    {
        using var dir = new TempDirectory();
        string path = dir.File("metrics.csv");
        File.WriteAllText(path, "step,tag,value,wall_time\n10,a,1,1\nten,a,2,2\n");
        var row = Assert.Throws<InvalidDataException>(() => MetricsFile.Read(path));
        Assert.Contains("line 3", row.Message);
        Assert.Contains(path, row.Message);
        File.WriteAllText(path, "a,b\n");
        Assert.Contains("expected the header", Assert.Throws<InvalidDataException>(() => MetricsFile.Read(path)).Message);
        Assert.Throws<FileNotFoundException>(() => MetricsFile.Read(dir.File("missing.csv")));
    }

    [Fact]
    public void A_comparison_of_two_runs_is_a_png_of_the_requested_size()
    {
        using var dir = new TempDirectory();
        string png = dir.File("compare.png");
        MetricPoint[] a = [new(1, 1, 0), new(2, 2, 0), new(3, 3, 0)];
        MetricPoint[] b = [new(1, 3, 0), new(2, double.NaN, 0), new(3, 1, 0)];
        LearningCurvePlot.WriteComparison(png, [("a", a), ("b", b)], "test", "return", window: 2, width: 320, height: 200);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        // IHDR holds the width and height as big-endian 32-bit integers at bytes 16 and 20.
        Assert.Equal(320, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(200, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.Throws<ArgumentException>(() => LearningCurvePlot.WriteComparison(png, [], "test", "return"));
    }
}
