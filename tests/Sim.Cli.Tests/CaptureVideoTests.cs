using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sim.Cli.Tests;

/// <summary><c>sim train --capture-video</c> on a small Pendulum PPO run, as a child process.</summary>
public sealed class CaptureVideoTests
{
    [Fact]
    public void Capture_video_writes_episodes_0_and_1_of_env_0_into_the_run_folder_and_records_the_flag()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "train", "--env", "Pendulum-v1", "--algo", "ppo", "--steps", "1024", "--num-envs", "1",
            "--set", "num_steps=256", "--set", "num_minibatches=4", "--capture-video", "--runs", "runs");
        result.AssertSucceeded();
        string run = Directory.GetDirectories(Path.Combine(cwd.Path, "runs")).Single();
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
            Assert.True(config.RootElement.GetProperty("CaptureVideo").GetBoolean());

        // 1024 steps of 200-step episodes: episodes 0-4 end and 5 is under way; of those the capped cubic schedule picks 0 and 1.
        string videos = Path.Combine(run, "videos");
        var entries = Directory.GetFileSystemEntries(videos).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Pendulum-v1-episode-0.mp4", "Pendulum-v1-episode-0.png", "Pendulum-v1-episode-1.mp4", "Pendulum-v1-episode-1.png"], entries);
        // The reset state and one frame per step.
        Assert.Equal(201, DecodedFrames(Path.Combine(videos, "Pendulum-v1-episode-0.mp4")));
        Assert.Equal(201, DecodedFrames(Path.Combine(videos, "Pendulum-v1-episode-1.mp4")));
        // The summary counts both episodes and drops none. On a loaded machine the second video may still be rendering
        // when the bounded wait ends (it is then reported unfinished, and its file appears complete, as checked above).
        var summary = Regex.Match(result.FlatStdout, @"(\d+)written·(\d+)dropped(?:·(\d+)unfinished)?");
        Assert.True(summary.Success, $"no video summary in:\n{result.Stdout}");
        int written = int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture);
        int unfinished = summary.Groups[3].Success ? int.Parse(summary.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        Assert.Equal("0", summary.Groups[2].Value);
        Assert.Equal(2, written + unfinished);
    }

    static int DecodedFrames(string path)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffprobe failed on {path}: {errors}");
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
