using Sim.MuJoCo;

namespace Sim.Envs.Mjcf;

/// <summary>A read-only view of one env's physics state for the functions of an <see cref="MjcfTask"/>, with the body
/// positions at the start of the current env step (for velocities over the step).</summary>
/// <remarks>One view per env is made when the env is built, so reading through it allocates nothing.</remarks>
public sealed class MjDataView
{
    readonly MjData _data;
    readonly double[] _xposBefore;

    internal MjDataView(MjData data, double dt)
    {
        _data = data;
        _xposBefore = new double[data.xpos.Length];
        Dt = dt;
    }

    /// <summary>Seconds of simulated time per env step (timestep × frame skip).</summary>
    public double Dt { get; }

    /// <summary>Simulated time, s.</summary>
    public double Time => _data.time;

    /// <summary>Positions (nq).</summary>
    public ReadOnlySpan<double> Qpos => _data.qpos;

    /// <summary>Velocities (nv).</summary>
    public ReadOnlySpan<double> Qvel => _data.qvel;

    /// <summary>Controls as applied (nu), after MuJoCo's clamping to the control ranges.</summary>
    public ReadOnlySpan<double> Ctrl => _data.ctrl;

    /// <summary>Body positions in the world (nbody × 3); after a step, those the last physics step started from.</summary>
    public ReadOnlySpan<double> Xpos => _data.xpos;

    /// <summary>Body positions (nbody × 3) at the start of the current env step; after a reset, the reset state's.</summary>
    public ReadOnlySpan<double> XposBefore => _xposBefore;

    /// <summary>Body orientations as rotation matrices (nbody × 9, row-major).</summary>
    public ReadOnlySpan<double> Xmat => _data.xmat;

    /// <summary>Body orientations as quaternions (nbody × 4).</summary>
    public ReadOnlySpan<double> Xquat => _data.xquat;

    /// <summary>Centres of mass of each body's subtree (nbody × 3).</summary>
    public ReadOnlySpan<double> SubtreeCom => _data.subtree_com;

    /// <summary>Body velocities in their centre-of-mass frames (nbody × 6: angular, then linear).</summary>
    public ReadOnlySpan<double> Cvel => _data.cvel;

    /// <summary>Sensor readings (nsensordata).</summary>
    public ReadOnlySpan<double> SensorData => _data.sensordata;

    /// <summary>Remembers the body positions at the start of a step (called by the env before the physics steps).</summary>
    internal void MarkStepStart() => _data.xpos.CopyTo(_xposBefore);
}
