using System.Text.Json;
using Sim.Learning.Runs;

namespace Sim.Learning.Tests.Runs;

/// <summary>Checks that run configs survive a save and load unchanged and that bad files fail with the file and the problem named.</summary>
public sealed class RunConfigFileTests
{
    /// <summary>Which loss a test config uses; enums are stored by name.</summary>
    public enum LossKind
    {
        Clipped,
        Kl,
    }

    /// <summary>A config of the shape trainers use: init-only properties, nullable and non-finite values, an enum, a list.</summary>
    public sealed record TestConfig
    {
        public ulong Seed { get; init; } = 1;
        public string Device { get; init; } = "cpu";
        public double LearningRate { get; init; } = 3e-4;
        public double? TargetKl { get; init; }
        public double Clip { get; init; } = 0.2;
        public LossKind Loss { get; init; } = LossKind.Clipped;
        public IReadOnlyList<int> Hidden { get; init; } = [64, 64];
    }

    [Fact]
    public void Save_then_Load_gives_an_equal_config()
    {
        using var temp = new TempDirectory();
        var config = new TestConfig
        {
            Seed = ulong.MaxValue,
            Device = "cuda:1",
            LearningRate = 0.1 + 0.2, // not exactly representable in few digits: checks round-trip precision
            TargetKl = null,
            Clip = double.PositiveInfinity,
            Loss = LossKind.Kl,
            Hidden = [256, 128, 3],
        };
        string path = temp.File("run/config.json");

        RunConfigFile.Save(path, config);
        var loaded = RunConfigFile.Load<TestConfig>(path);

        Assert.Equal(config.Seed, loaded.Seed);
        Assert.Equal(config.Device, loaded.Device);
        Assert.Equal(BitConverter.DoubleToInt64Bits(config.LearningRate), BitConverter.DoubleToInt64Bits(loaded.LearningRate));
        Assert.Null(loaded.TargetKl);
        Assert.Equal(double.PositiveInfinity, loaded.Clip);
        Assert.Equal(LossKind.Kl, loaded.Loss);
        Assert.Equal(new[] { 256, 128, 3 }, loaded.Hidden);
        Assert.Equal(["config.json"], Directory.GetFileSystemEntries(temp.File("run")).Select(Path.GetFileName));
    }

    [Fact]
    public void Env_arguments_are_saved_as_given_and_a_file_without_them_loads_as_none()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "Hopper-v5", "ppo", 1, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["frame_skip"] = "2", ["healthy_z_range"] = "(0.8, inf)" };
        run.SaveConfig(new RunConfig { Env = "Hopper-v5", Algorithm = "ppo", EnvArgs = args });
        var loaded = RunDirectory.Open(run.Path).LoadConfig<RunConfig>();
        Assert.Equal(args, loaded.EnvArgs);
        Assert.Contains("\"healthy_z_range\": \"(0.8, inf)\"", File.ReadAllText(Path.Combine(run.Path, "config.json")));

        run.SaveConfig(new RunConfig { Env = "Hopper-v5", Algorithm = "ppo" });
        Assert.Null(RunDirectory.Open(run.Path).LoadConfig<RunConfig>().EnvArgs);
    }

    [Fact]
    public void A_run_folder_saves_and_loads_its_config_as_config_json()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "Walker2d-v1", "sac", 9, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        run.SaveConfig(new TestConfig { Seed = 9, Device = "cuda" });

        Assert.True(File.Exists(Path.Combine(run.Path, "config.json")));
        var reopened = RunDirectory.Open(run.Path);
        var loaded = reopened.LoadConfig<TestConfig>();
        Assert.Equal(9UL, loaded.Seed);
        Assert.Equal("cuda", loaded.Device);
        Assert.Equal([64, 64], loaded.Hidden);
    }

    [Fact]
    public void The_file_is_indented_json_with_enum_names()
    {
        using var temp = new TempDirectory();
        string path = temp.File("config.json");
        RunConfigFile.Save(path, new TestConfig { Loss = LossKind.Kl });

        string text = File.ReadAllText(path);
        string[] lines = text.Split('\n');
        Assert.Equal("{", lines[0]);
        Assert.Contains("  \"Seed\": 1,", lines);
        Assert.Contains("  \"Loss\": \"Kl\",", lines);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(0.2, document.RootElement.GetProperty("Clip").GetDouble());
    }

    [Fact]
    public void Saving_again_replaces_the_file_whole()
    {
        using var temp = new TempDirectory();
        string path = temp.File("config.json");
        RunConfigFile.Save(path, new TestConfig { Device = new string('x', 5000) });
        RunConfigFile.Save(path, new TestConfig { Device = "cpu" });

        Assert.Equal("cpu", RunConfigFile.Load<TestConfig>(path).Device);
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_missing_file_names_the_path()
    {
        using var temp = new TempDirectory();
        string path = temp.File("nope/config.json");
        var error = Assert.Throws<FileNotFoundException>(() => RunConfigFile.Load<TestConfig>(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void A_corrupt_file_names_the_path_and_the_line()
    {
        using var temp = new TempDirectory();
        string path = temp.File("config.json");
        File.WriteAllText(path, "{\n  \"Seed\": 1,\n  \"Device\": \"cpu\"\n  \"Clip\": 0.2\n}\n");

        var error = Assert.Throws<InvalidDataException>(() => RunConfigFile.Load<TestConfig>(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("TestConfig", error.Message);
        Assert.Contains("line 4", error.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("null", "JSON null")]
    [InlineData("{\"Seed\": 1, \"Sead\": 2}", "Sead")]
    [InlineData("{\"Seed\": \"one\"}", "$.Seed")]
    [InlineData("{\"Seed\": 1", "TestConfig")]
    public void Malformed_or_mismatched_contents_are_invalid_data(string contents, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.File("config.json");
        File.WriteAllText(path, contents);

        var error = Assert.Throws<InvalidDataException>(() => RunConfigFile.Load<TestConfig>(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }
}
