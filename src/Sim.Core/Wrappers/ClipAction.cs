using Sim.Core.Spaces;

namespace Sim.Core.Wrappers;

/// <summary>Clips each action component into the inner env's Box bounds, so a Gaussian policy's samples are always applicable.</summary>
/// <remarks>
/// Like Gymnasium's ClipAction, the exposed action space is unbounded (<c>Box(−∞, ∞)</c> of the same size):
/// any finite action is accepted. Non-finite components are passed through unclipped, so NaN and ±∞ still
/// reach the inner env and fail with its error naming the component and env; clipping them would hide a
/// diverged policy behind a valid-looking action.
/// </remarks>
public sealed class ClipAction : VectorEnvWrapper
{
    readonly float[] _low;
    readonly float[] _high;
    readonly float[] _clipped;
    readonly Box _space;

    /// <summary>Clips actions for <paramref name="inner"/>, whose action space must be a <see cref="Box"/>.</summary>
    public ClipAction(IVectorEnv inner) : base(inner)
    {
        if (inner.SingleActionSpace is not Box box)
            throw new ArgumentException($"ClipAction needs a Box action space, got {inner.SingleActionSpace}", nameof(inner));
        _low = box.Low.ToArray();
        _high = box.High.ToArray();
        _clipped = new float[inner.NumEnvs * box.FlatSize];
        _space = Box.Unbounded(box.FlatSize);
    }

    /// <summary>The unbounded box of the same size as the inner action space.</summary>
    public override Space SingleActionSpace => _space;

    /// <summary>The actions last passed to the inner env, after clipping.</summary>
    public ReadOnlySpan<float> ClippedActions => _clipped;

    protected override void SaveWrapperState(BinaryWriter writer) => writer.WriteArray<float>(_clipped);

    protected override void LoadWrapperState(BinaryReader reader) => reader.ReadArray<float>(_clipped, "ClipAction clipped actions");

    public override void Step(ReadOnlySpan<float> actions)
    {
        if (actions.Length != _clipped.Length)
            throw new ArgumentException(
                $"actions has length {actions.Length}, expected {NumEnvs} envs × {_low.Length} = {_clipped.Length}", nameof(actions));
        int size = _low.Length;
        for (int start = 0; start < actions.Length; start += size)
        {
            for (int d = 0; d < size; d++)
            {
                float a = actions[start + d];
                _clipped[start + d] = float.IsFinite(a) ? Math.Clamp(a, _low[d], _high[d]) : a;
            }
        }
        Inner.Step(_clipped);
    }
}
