using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Sim.Viewer.Rendering;

namespace Sim.Viewer.Clips;

/// <summary>The content address of a clip: a 128-bit xxHash of everything that decides its pixels (the frames' data, the
/// overlay's inputs and the settings), so equal requests map to one file and any change to a new one.</summary>
public static class ClipKey
{
    // Bump when rendering changes in a way that alters pixels, so stale clips are not served.
    const string Scheme = "sim-clip/1";

    /// <summary>The key of <paramref name="request"/>, 32 lowercase hex digits.</summary>
    public static string Compute(ClipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var t = request.Trajectory;
        var s = request.Settings;
        var hash = new XxHash128();
        AppendText(hash, Scheme);
        AppendText(hash, t.EnvId);
        // Env arguments (a model file, a render camera) change the pixels; none keeps the keys of clips rendered before.
        if (t.EnvArgs.Count > 0) AppendText(hash, ArgumentsText(t.EnvArgs));
        // Full quality adds nothing, so clips rendered before the setting existed keep their keys.
        string quality = s.Quality == RenderQuality.Full ? "" : $" quality={s.Quality}";
        AppendText(hash, $"{s.Width}x{s.Height}@{s.Fps} camera={s.Camera ?? ""} overlay={s.Overlay} format={s.Format}{quality}");
        AppendInt(hash, request.Start);
        AppendInt(hash, request.Length);
        if (t.PhysicsStateSize > 0)
        {
            AppendInt(hash, t.PhysicsStateSize);
            hash.Append(MemoryMarshal.AsBytes(t.PhysicsStates.AsSpan(request.Start * t.PhysicsStateSize, request.Length * t.PhysicsStateSize)));
        }
        else
        {
            AppendInt(hash, t.ObservationSize);
            hash.Append(MemoryMarshal.AsBytes(t.Observations.AsSpan(request.Start * t.ObservationSize, request.Length * t.ObservationSize)));
        }
        if (s.Overlay)
        {
            // The overlay shows the episode step and the return accumulated from the segment's start.
            AppendInt(hash, t.FirstStep);
            int rewards = Math.Min(request.Length - 1, t.Steps - request.Start);
            if (rewards > 0) hash.Append(MemoryMarshal.AsBytes(t.Rewards.AsSpan(request.Start, rewards)));
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>The env arguments as one text, ordered by key: <c>key=value</c> items separated by newlines.</summary>
    public static string ArgumentsText(IReadOnlyDictionary<string, string> envArgs) =>
        string.Join("\n", envArgs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    static void AppendText(XxHash128 hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        AppendInt(hash, bytes.Length);
        hash.Append(bytes);
    }

    static void AppendInt(XxHash128 hash, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.Append(bytes);
    }
}
