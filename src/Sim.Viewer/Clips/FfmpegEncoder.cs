using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sim.Viewer.Clips;

/// <summary>Encodes RGB frames into an MP4 (H.264) or WebM (VP9) file by piping raw rgb24 video into Debian's ffmpeg.</summary>
public sealed class FfmpegEncoder : IDisposable
{
    readonly Process _process;
    readonly Stream _input;
    readonly StringBuilder _errors = new();
    readonly int _frameBytes;
    readonly string _path;
    bool _finished;

    /// <summary>Starts ffmpeg writing <paramref name="path"/>; frames are <paramref name="width"/> × <paramref name="height"/> RGB.</summary>
    public FfmpegEncoder(string path, int width, int height, int fps, ClipFormat format, string ffmpeg = "ffmpeg")
    {
        _path = path;
        _frameBytes = width * height * 3;
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string size = string.Create(CultureInfo.InvariantCulture, $"{width}x{height}");
        string[] input = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size,
            "-framerate", fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0", "-an"];
        // -nostdin stops ffmpeg reading keys from the terminal; the video still comes through pipe:0.
        string[] codec = format == ClipFormat.WebM
            ? ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-b:v", "0", "-crf", "34", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-f", "webm"]
            : ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-crf", "23", "-movflags", "+faststart", "-f", "mp4"];
        foreach (var arg in input.Concat(codec).Append(path)) psi.ArgumentList.Add(arg);
        try
        {
            _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start '{ffmpeg}'");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{ffmpeg}' could not be started ({e.Message}): install it with `sudo apt-get install ffmpeg`, or run scripts/native-deps.sh viewer", e);
        }
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_errors) _errors.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _input = _process.StandardInput.BaseStream;
    }

    /// <summary>Frames written so far.</summary>
    public int Frames { get; private set; }

    /// <summary>Sends one frame (rows top first).</summary>
    public void WriteFrame(ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length != _frameBytes) throw new ArgumentException($"frame has {rgb.Length} bytes, expected {_frameBytes}", nameof(rgb));
        try
        {
            _input.Write(rgb);
        }
        catch (IOException e)
        {
            _process.WaitForExit();
            throw new InvalidOperationException($"ffmpeg stopped while encoding '{_path}' (exit code {_process.ExitCode}): {Errors()}", e);
        }
        Frames++;
    }

    /// <summary>Closes the input and waits for ffmpeg; throws with ffmpeg's messages when it failed.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        _input.Close();
        _process.WaitForExit();
        if (_process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg failed to encode '{_path}' (exit code {_process.ExitCode}): {Errors()}");
    }

    string Errors()
    {
        lock (_errors) return _errors.Length == 0 ? "no message" : _errors.ToString().Trim();
    }

    /// <summary>Stops ffmpeg if it is still running (after an error).</summary>
    public void Dispose()
    {
        if (!_finished)
        {
            try { _input.Close(); } catch (IOException) { }
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        _process.Dispose();
    }
}
