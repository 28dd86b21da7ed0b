using Sim.Core.Trajectories;

namespace Sim.Viewer.Clips;

/// <summary>A segment to render: frames <see cref="Start"/> .. <see cref="Start"/> + <see cref="Length"/> − 1 of a recorded
/// trajectory (physics-state rows for MuJoCo envs, observation rows for classic control), with the clip settings.</summary>
public sealed record ClipRequest(Trajectory Trajectory, int Start, int Length, ClipSettings Settings)
{
    /// <summary>A whole trajectory: every frame it has.</summary>
    public static ClipRequest Whole(Trajectory trajectory, ClipSettings settings) =>
        new(trajectory, 0, trajectory.PhysicsStateSize > 0 ? trajectory.PhysicsStateRows : trajectory.Steps + 1, settings);
}
