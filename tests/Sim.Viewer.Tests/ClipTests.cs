using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Sim.Viewer.Clips;

namespace Sim.Viewer.Tests;

[Collection(DisplayCollection.Name)]
public sealed class ClipTests : IDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"sim-clips-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    internal static (int Frames, int Width, int Height, string Codec) Probe(string path)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                     "stream=nb_read_frames,width,height,codec_name", "-of", "default=noprint_wrappers=1", path })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffprobe failed on {path}: {errors}");
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1].Trim());
        return (int.Parse(fields["nb_read_frames"], CultureInfo.InvariantCulture), int.Parse(fields["width"], CultureInfo.InvariantCulture),
            int.Parse(fields["height"], CultureInfo.InvariantCulture), fields["codec_name"]);
    }

    internal static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        // PNG signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void Mp4_clip_has_the_requested_frames_and_size_and_a_png_poster()
    {
        var (t, _) = Rollouts.Record("Pendulum-v1", 30, seed: 2);
        using var clips = new ClipRenderer(_folder);
        var request = new ClipRequest(t, 4, 12, new ClipSettings(Width: 96, Height: 64, Fps: 20));
        var clip = clips.Render(request);
        Assert.True(clip.Rendered);
        var (frames, width, height, codec) = Probe(clip.VideoPath);
        Assert.Equal((12, 96, 64, "h264"), (frames, width, height, codec));
        Assert.Equal((96, 64), PngSize(clip.PosterPath));
        Assert.EndsWith(".mp4", clip.VideoPath);
        Assert.Contains(clip.Key, Path.GetFileName(clip.VideoPath));
    }

    [Fact]
    public void Webm_clip_of_a_classic_control_env_decodes_as_vp9()
    {
        var (t, _) = Rollouts.Record("CartPole-v1", 10);
        using var clips = new ClipRenderer(_folder);
        var clip = clips.Render(new ClipRequest(t, 0, 8, new ClipSettings(Width: 64, Height: 64, Fps: 10, Overlay: false, Format: ClipFormat.WebM)));
        Assert.Equal((8, 64, 64, "vp9"), Probe(clip.VideoPath));
    }

    [Fact]
    public void The_same_clip_is_never_rendered_twice()
    {
        var (t, _) = Rollouts.Record("InvertedPendulum-v1", 10);
        var request = new ClipRequest(t, 0, 6, new ClipSettings(Width: 64, Height: 64));
        using var clips = new ClipRenderer(_folder);
        var first = clips.Render(request);
        var written = File.GetLastWriteTimeUtc(first.VideoPath);
        long frames = clips.FramesRendered;

        // A new renderer over the same folder, with an equal request built separately, finds the files.
        using var again = new ClipRenderer(_folder);
        var second = again.Render(request with { Settings = new ClipSettings(Width: 64, Height: 64) });
        Assert.False(second.Rendered);
        Assert.Equal(first.VideoPath, second.VideoPath);
        Assert.Equal(0, again.FramesRendered);
        Assert.Equal(6, frames);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second.VideoPath));

        // Any change to the settings or the segment is another clip.
        Assert.NotEqual(first.Key, again.Locate(request with { Settings = new ClipSettings(Width: 64, Height: 64, Overlay: false) }).Key);
        Assert.NotEqual(first.Key, again.Locate(request with { Start = 1 }).Key);
    }

    [Fact]
    public void A_fast_clip_is_a_separate_file_from_the_full_quality_clip_of_the_same_segment()
    {
        var (t, _) = Rollouts.Record("Hopper-v1", 20, seed: 3);
        using var clips = new ClipRenderer(_folder);
        var full = clips.Render(new ClipRequest(t, 2, 8, new ClipSettings(Width: 64, Height: 48)));
        var fast = clips.Render(new ClipRequest(t, 2, 8, new ClipSettings(Width: 64, Height: 48, Quality: Sim.Viewer.Rendering.RenderQuality.Fast)));
        Assert.True(full.Rendered);
        Assert.True(fast.Rendered);
        Assert.NotEqual(full.Key, fast.Key);
        Assert.Equal((8, 64, 48, "h264"), Probe(fast.VideoPath));
        Assert.NotEqual(File.ReadAllBytes(full.PosterPath), File.ReadAllBytes(fast.PosterPath));
        Assert.False(clips.Render(new ClipRequest(t, 2, 8, new ClipSettings(Width: 64, Height: 48, Quality: Sim.Viewer.Rendering.RenderQuality.Fast))).Rendered);
    }

    [Fact]
    public void Clips_render_in_parallel_on_two_threads()
    {
        var (hopper, _) = Rollouts.Record("Hopper-v1", 12, seed: 1);
        var (pendulum, _) = Rollouts.Record("Pendulum-v1", 12, seed: 1);
        var settings = new ClipSettings(Width: 64, Height: 48);
        var requests = new[]
        {
            new ClipRequest(hopper, 0, 6, settings), new ClipRequest(pendulum, 0, 6, settings),
            new ClipRequest(hopper, 2, 6, settings), new ClipRequest(hopper, 0, 6, settings),
        };
        using var clips = new ClipRenderer(_folder);
        var results = clips.RenderAll(requests, threads: 2);
        Assert.Equal(3, clips.ClipsRendered); // the repeated request is rendered once
        Assert.Equal(results[0].VideoPath, results[3].VideoPath);
        foreach (var r in results) Assert.Equal((6, 64, 48), (Probe(r.VideoPath).Frames, Probe(r.VideoPath).Width, Probe(r.VideoPath).Height));
    }

    [Fact]
    public void Bad_requests_name_the_problem()
    {
        var (t, _) = Rollouts.Record("Hopper-v1", 5);
        using var clips = new ClipRenderer(_folder);
        var range = Assert.Throws<ArgumentException>(() => clips.Render(new ClipRequest(t, 3, 50, new ClipSettings())));
        Assert.Contains("expected frames within 0..", range.Message);
        var odd = Assert.Throws<ArgumentException>(() => clips.Render(new ClipRequest(t, 0, 2, new ClipSettings(Width: 101))));
        Assert.Contains("101", odd.Message);
        var camera = Assert.Throws<ArgumentException>(() => clips.Render(new ClipRequest(t, 0, 2, new ClipSettings(Width: 64, Height: 64, Camera: "side"))));
        Assert.Contains("'side'", camera.Message);
        Assert.Contains("'track'", camera.Message);
    }

    [Fact]
    public void Poster_of_a_hopper_clip_for_inspection()
    {
        var (t, _) = Rollouts.Record("Hopper-v1", 20, seed: 4);
        using var clips = new ClipRenderer(_folder);
        var clip = clips.Render(new ClipRequest(t, 0, 10, new ClipSettings(Width: 240, Height: 240)));
        Assert.Equal((240, 240), PngSize(clip.PosterPath));
        if (Environment.GetEnvironmentVariable("SIM_KEEP_POSTER") is { Length: > 0 } keep) File.Copy(clip.PosterPath, keep, overwrite: true);
    }
}
