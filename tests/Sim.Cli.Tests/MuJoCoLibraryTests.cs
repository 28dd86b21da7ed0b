namespace Sim.Cli.Tests;

/// <summary>Where <c>sim</c> finds libmujoco: <c>SIM_MUJOCO_LIBRARY</c> when set, else the system; and how it says so when
/// nothing loads.</summary>
public sealed class MuJoCoLibraryTests
{
    const string Variable = "SIM_MUJOCO_LIBRARY";

    static readonly string[] ShortRollout =
        ["demo", "--env", "Hopper-v1", "--num-envs", "1", "--threads", "1", "--steps", "50", "--out", "rollout.msgpack"];

    [Fact]
    public void A_missing_file_ends_with_the_variable_its_value_and_the_install_hint()
    {
        using var cwd = new TempDirectory();
        string missing = Path.Combine(cwd.Path, "no-such-libmujoco.so");
        var result = SimCli.Run(cwd.Path, new Dictionary<string, string> { [Variable] = missing }, ShortRollout);
        result.AssertBadInput(Variable, missing, "does not exist", "libmujoco-dev");
        Assert.False(File.Exists(Path.Combine(cwd.Path, "rollout.msgpack")), "no rollout can have been recorded");
    }

    [Fact]
    public void A_file_that_is_not_a_shared_library_is_named_as_such()
    {
        using var cwd = new TempDirectory();
        string notLibrary = Path.Combine(cwd.Path, "libmujoco.so");
        File.WriteAllText(notLibrary, "not an ELF file");
        var result = SimCli.Run(cwd.Path, new Dictionary<string, string> { [Variable] = notLibrary }, ShortRollout);
        result.AssertBadInput(Variable, notLibrary, "does not load as a shared library");
    }

    [Fact]
    public void An_unknown_soname_is_named_as_one_the_loader_does_not_find()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, new Dictionary<string, string> { [Variable] = "libmujoco-not-installed.so.9" }, ShortRollout);
        result.AssertBadInput(Variable, "'libmujoco-not-installed.so.9' is not a soname the loader finds");
    }

    [Fact]
    public void A_soname_is_searched_for_by_the_loader_and_used()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, new Dictionary<string, string> { [Variable] = "libmujoco.so.2.2.2" }, ShortRollout);
        result.AssertSucceeded();
        Assert.True(new FileInfo(Path.Combine(cwd.Path, "rollout.msgpack")).Length > 0, result.Describe());
    }
}
