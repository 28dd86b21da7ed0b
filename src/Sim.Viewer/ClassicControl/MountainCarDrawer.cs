using Sim.Core;
using Sim.Envs.ClassicControl;
using Sim.Viewer.Native;

namespace Sim.Viewer.ClassicControl;

/// <summary>Draws MountainCarContinuous: the hill z = 0.45 sin(3x) + 0.55, the car at its position tilted with the slope,
/// and the goal flag (observation [position, velocity]).</summary>
public sealed class MountainCarDrawer : ClassicControlDrawer
{
    const int Segments = 36;

    public override string EnvName => "MountainCarContinuous";
    public override int ObservationSize => 2;
    protected override (double X, double Z, double Width) View =>
        ((MountainCarContinuous.MinPosition + MountainCarContinuous.MaxPosition) / 2, 0.55, MountainCarContinuous.MaxPosition - MountainCarContinuous.MinPosition + 0.2);

    static double Height(double x) => 0.45 * Math.Sin(3 * x) + 0.55;

    public override void Draw(MjvScene scene, ReadOnlySpan<float> observation)
    {
        CheckSize(observation);
        DrawPose(scene, observation[0]);
    }

    public override void DrawEnv(MjvScene scene, IVectorEnv env, int index)
    {
        if (env is not MountainCarContinuous car) { base.DrawEnv(scene, env, index); return; }
        DrawPose(scene, car.GetState(index).Position);
    }

    static void DrawPose(MjvScene scene, double position)
    {
        double min = MountainCarContinuous.MinPosition, max = MountainCarContinuous.MaxPosition;
        for (int i = 0; i < Segments; i++)
        {
            double x0 = min + (max - min) * i / Segments, x1 = min + (max - min) * (i + 1) / Segments;
            UserGeoms.AddCapsule(scene, (x0, 0.05, Height(x0)), (x1, 0.05, Height(x1)), 0.01, Track);
        }
        double goal = MountainCarContinuous.GoalPosition;
        UserGeoms.AddCapsule(scene, (goal, 0, Height(goal)), (goal, 0, Height(goal) + 0.12), 0.006, Track);
        UserGeoms.AddBox(scene, (goal + 0.03, 0, Height(goal) + 0.1), (0.03, 0.005, 0.02), 0, Goal);
        // The car sits on the curve, tilted by the slope dz/dx = 1.35 cos(3x); pitch about y is negative for a rising slope.
        double slope = Math.Atan(1.35 * Math.Cos(3 * position));
        double lift = 0.035;
        var centre = (position - lift * Math.Sin(slope), -0.02, Height(position) + lift * Math.Cos(slope));
        UserGeoms.AddBox(scene, centre, (0.06, 0.03, 0.025), -slope, Body);
    }
}
