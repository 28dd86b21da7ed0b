using Sim.Learning.Runs;

namespace Sim.Learning.Tests.Runs;

/// <summary>Checks run folder names (CleanRL's env__exp__seed__time), their validation and the latest-run lookup used to resume.</summary>
public sealed class RunDirectoryTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Create_names_the_folder_env__algorithm__seed__unixtime_and_knows_its_paths()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.File("runs"), "HalfCheetah-v1", "ppo", 7, T0.AddMilliseconds(900));

        Assert.Equal("HalfCheetah-v1__ppo__7__1700000000", run.Name);
        Assert.True(Directory.Exists(run.Path));
        Assert.Equal(Path.Combine(temp.Path, "runs", "HalfCheetah-v1__ppo__7__1700000000"), run.Path);
        Assert.Equal(Path.Combine(run.Path, "config.json"), run.ConfigPath);
        Assert.Equal(Path.Combine(run.Path, "metrics.csv"), run.MetricsPath);
        Assert.Equal(Path.Combine(run.Path, "tensorboard"), run.TensorBoardPath);
        Assert.Equal(Path.Combine(run.Path, "checkpoints"), run.CheckpointsPath);
        Assert.Equal(Path.Combine(run.Path, "curve.png"), run.CurvePath);
        Assert.Equal(new RunName("HalfCheetah-v1", "ppo", 7, 1_700_000_000), run.RunName);
    }

    [Fact]
    public void A_second_run_in_the_same_second_gets_its_own_folder()
    {
        using var temp = new TempDirectory();
        var first = RunDirectory.Create(temp.Path, "CartPole-v1", "ppo", 1, T0);
        var second = RunDirectory.Create(temp.Path, "CartPole-v1", "ppo", 1, T0);

        Assert.Equal("CartPole-v1__ppo__1__1700000000", first.Name);
        Assert.Equal("CartPole-v1__ppo__1__1700000000-2", second.Name);
        Assert.Equal(2, second.RunName!.Value.Duplicate);
    }

    [Theory]
    [InlineData("ALE/Pong-v5", "'/'")]
    [InlineData("Half Cheetah", "' '")]
    [InlineData("a__b", "\"__\"")]
    [InlineData("_Hopper", "leading or trailing")]
    [InlineData(".hidden", "starts with '.'")]
    [InlineData("", "empty")]
    [InlineData("Hopper\u00e9-v1", "U+00E9")]
    public void Unsafe_env_ids_are_refused_with_the_reason(string envId, string reason)
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() => RunDirectory.Create(temp.Path, envId, "ppo", 1, T0));
        Assert.Contains($"\"{envId}\"", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void An_overlong_env_id_is_refused()
    {
        using var temp = new TempDirectory();
        string id = new('a', RunName.MaxPartLength + 1);
        var error = Assert.Throws<ArgumentException>(() => RunDirectory.Create(temp.Path, id, "ppo", 1, T0));
        Assert.Contains("65 characters", error.Message);
    }

    [Theory]
    [InlineData("Hopper-v1__sac__3__1700000123", true)]
    [InlineData("Hopper-v1__sac__3__1700000123-4", true)]
    [InlineData("Hopper-v1__sac__3__1700000123-1", false)]
    [InlineData("Hopper-v1__sac__03__1700000123", false)]
    [InlineData("Hopper-v1__sac__3", false)]
    [InlineData("Hopper-v1__sac__x__1700000123", false)]
    [InlineData("demo", false)]
    public void Names_parse_back_only_in_their_one_canonical_spelling(string name, bool valid)
    {
        Assert.Equal(valid, RunName.TryParse(name, out RunName parsed));
        if (valid)
        {
            Assert.Equal(name, parsed.ToString());
            Assert.Equal("Hopper-v1", parsed.EnvId);
            Assert.Equal("sac", parsed.Algorithm);
            Assert.Equal(3UL, parsed.Seed);
            Assert.Equal(1_700_000_123L, parsed.UnixTime);
        }
    }

    [Fact]
    public void FindLatest_picks_the_latest_start_time_among_matching_runs()
    {
        using var temp = new TempDirectory();
        string root = temp.Path;
        RunDirectory.Create(root, "Hopper-v1", "ppo", 1, T0);
        var hopperLater = RunDirectory.Create(root, "Hopper-v1", "ppo", 1, T0.AddSeconds(50));
        var sameSecond = RunDirectory.Create(root, "Hopper-v1", "ppo", 1, T0.AddSeconds(50));
        var otherSeed = RunDirectory.Create(root, "Hopper-v1", "ppo", 2, T0.AddSeconds(100));
        var cheetah = RunDirectory.Create(root, "HalfCheetah-v1", "sac", 1, T0.AddSeconds(200));
        // Folders that are not runs are skipped, and file-system times play no part.
        Directory.CreateDirectory(Path.Combine(root, "demo"));
        Directory.CreateDirectory(Path.Combine(root, "zzz__not__a__run"));
        Directory.SetLastWriteTimeUtc(hopperLater.Path, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(cheetah.Path, RunDirectory.FindLatest(root)!.Path);
        Assert.Equal(otherSeed.Path, RunDirectory.FindLatest(root, envId: "Hopper-v1")!.Path);
        Assert.Equal(sameSecond.Path, RunDirectory.FindLatest(root, envId: "Hopper-v1", algorithm: "ppo", seed: 1)!.Path);
        Assert.Null(RunDirectory.FindLatest(root, envId: "Ant-v1"));
        Assert.Null(RunDirectory.FindLatest(temp.File("missing")));
    }

    [Fact]
    public void Open_accepts_run_folders_and_explains_what_else_it_expected()
    {
        using var temp = new TempDirectory();
        var run = RunDirectory.Create(temp.Path, "Ant-v1", "sac", 5, T0);
        var opened = RunDirectory.Open(run.Path + Path.DirectorySeparatorChar);
        Assert.Equal(run.Path, opened.Path);
        Assert.Equal(run.RunName, opened.RunName);

        string renamed = temp.File("my-run");
        Directory.CreateDirectory(renamed);
        var notARun = Assert.Throws<ArgumentException>(() => RunDirectory.Open(renamed));
        Assert.Contains(renamed, notARun.Message);
        Assert.Contains("env__algorithm__seed__unixtime", notARun.Message);

        File.WriteAllText(Path.Combine(renamed, "config.json"), "{}");
        Assert.Null(RunDirectory.Open(renamed).RunName);

        var missing = Assert.Throws<DirectoryNotFoundException>(() => RunDirectory.Open(temp.File("gone")));
        Assert.Contains(temp.File("gone"), missing.Message);
    }
}
