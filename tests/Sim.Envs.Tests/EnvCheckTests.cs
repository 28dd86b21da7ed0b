namespace Sim.Envs.Tests;

/// <summary>The env checker over every registered env (and the example MJCF robot): each must pass every check.</summary>
public class EnvCheckTests
{
    public static TheoryData<string> AllIds() => new(Envs.Registry.Ids);

    [Theory]
    [MemberData(nameof(AllIds))]
    public void Every_registered_env_passes_every_check(string id)
    {
        var report = Envs.Check(id);
        Assert.Equal(8, report.Checks.Count);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void An_mjcf_file_with_keyword_arguments_passes_every_check()
    {
        var folder = Directory.CreateTempSubdirectory("sim-check-");
        try
        {
            string path = Path.Combine(folder.FullName, "crawler.xml");
            File.WriteAllText(path, EnvAssets.ReadText("crawler.xml"));
            var report = Envs.Check(path, new Dictionary<string, string> { ["frame_skip"] = "2" });
            Assert.True(report.Passed, report.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_unknown_id_is_an_error_not_a_report()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Envs.Check("NoSuchEnv-v0"));
        Assert.Contains("'NoSuchEnv-v0'", e.Message);
    }
}
