namespace Sim.Cli.Tests;

/// <summary>Bad command lines end with exit code 2 and a one-line <c>sim: </c> message naming the bad value, never a stack trace.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData(new[] { "--num-envs", "0" }, new[] { "--num-envs = 0" })]
    [InlineData(new[] { "--num-envs", "-3" }, new[] { "--num-envs = -3" })]
    [InlineData(new[] { "--steps", "banana" }, new[] { "'banana'", "--steps" })]
    [InlineData(new[] { "--steps", "-5" }, new[] { "--steps = -5" })]
    [InlineData(new[] { "--steps", "0" }, new[] { "--steps = 0" })]
    [InlineData(new[] { "--algo", "dqn" }, new[] { "'dqn'", "ppo, sac" })]
    [InlineData(new[] { "--device", "tpu" }, new[] { "--device 'tpu'", "cpu" })]
    [InlineData(new[] { "--device", "cuda:x" }, new[] { "--device 'cuda:x'" })]
    [InlineData(new[] { "--seed", "-1" }, new[] { "'-1'", "--seed" })]
    [InlineData(new[] { "--no-such-option" }, new[] { "--no-such-option" })]
    public void Train_rejects_bad_options_without_making_a_run_folder(string[] options, string[] named)
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, ["train", "--runs", "runs", .. options]);
        result.AssertBadInput(named);
        AssertNoRunFolder(cwd.Path);
    }

    [Fact]
    public void Train_on_an_unknown_env_id_names_it_and_lists_the_known_ids()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "train", "--env", "NoSuchEnv-v0", "--steps", "4096", "--runs", "runs");
        result.AssertBadInput(["NoSuchEnv-v0", .. Envs.Envs.Registry.Ids]);
        AssertNoRunFolder(cwd.Path);
    }

    [Fact]
    public void Train_on_cuda_is_bad_input_naming_the_device_where_cuda_is_missing_and_trains_where_it_exists()
    {
        using var cwd = new TempDirectory();
        // Only a build made with -p:TorchBackend=cuda ships libtorch's CUDA library beside sim.dll.
        if (File.Exists(Path.Combine(SimCli.OutputFolder, "libtorch_cuda.so")))
        {
            SimCli.Run(cwd.Path, "train", "--device", "cuda", "--steps", "512", "--num-envs", "2", "--runs", "runs").AssertSucceeded();
            return;
        }
        var result = SimCli.Run(cwd.Path, "train", "--device", "cuda", "--steps", "4096", "--runs", "runs");
        result.AssertBadInput("--device 'cuda'", "CUDA is not available");
        AssertNoRunFolder(cwd.Path);
    }

    [Fact]
    public void Resume_of_a_folder_that_is_not_a_run_names_the_folder()
    {
        using var cwd = new TempDirectory();
        string notARun = Path.Combine(cwd.Path, "notes");
        Directory.CreateDirectory(notARun);
        File.WriteAllText(Path.Combine(notARun, "readme.txt"), "not a run");
        SimCli.Run(cwd.Path, "train", "--resume", "notes", "--steps", "8192").AssertBadInput(notARun, "config.json");
        Assert.Equal(["readme.txt"], Directory.GetFileSystemEntries(notARun).Select(Path.GetFileName));
    }

    [Fact]
    public void Resume_of_a_missing_folder_names_the_folder()
    {
        using var cwd = new TempDirectory();
        SimCli.Run(cwd.Path, "train", "--resume", "gone").AssertBadInput(Path.Combine(cwd.Path, "gone"), "does not exist");
    }

    [Fact]
    public void Eval_of_a_missing_run_folder_names_the_folder()
    {
        using var cwd = new TempDirectory();
        SimCli.Run(cwd.Path, "eval", "--run", "missing-run", "--episodes", "2").AssertBadInput(Path.Combine(cwd.Path, "missing-run"), "does not exist");
    }

    [Fact]
    public void Eval_without_its_required_run_option_is_bad_input()
    {
        using var cwd = new TempDirectory();
        SimCli.Run(cwd.Path, "eval", "--episodes", "2").AssertBadInput("--run");
    }

    [Fact]
    public void An_unknown_command_is_bad_input_naming_it()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "trian");
        result.AssertBadInput("trian");
        // The unknown word comes first, not the parser's restatement that no command was given.
        Assert.StartsWith("sim: Unrecognized command or argument 'trian'", result.Stderr);
        Assert.DoesNotContain("Required command", result.Stderr);
    }

    [Theory]
    [InlineData("--num-envs", "x", "an integer")]
    [InlineData("--steps", "1e3x", "a number")]
    public void An_unparsable_value_says_what_kind_of_value_was_expected_in_words(string option, string value, string expected)
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "train", option, value);
        result.AssertBadInput($"'{value}'", option, $"expected {expected}", "see `sim train --help`");
        Assert.DoesNotContain("System.", result.Stderr);
    }

    static void AssertNoRunFolder(string workingDirectory)
    {
        string runs = Path.Combine(workingDirectory, "runs");
        Assert.True(!Directory.Exists(runs) || Directory.GetFileSystemEntries(runs).Length == 0,
            $"bad input left {string.Join(", ", Directory.Exists(runs) ? Directory.GetFileSystemEntries(runs) : [])}");
    }
}
