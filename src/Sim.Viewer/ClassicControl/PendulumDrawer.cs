using Sim.Core;
using Sim.Envs.ClassicControl;
using Sim.Viewer.Native;

namespace Sim.Viewer.ClassicControl;

/// <summary>Draws Pendulum: a 1 m rod from the pivot at angle θ from upright (observation [cos θ, sin θ, θ̇]).</summary>
public sealed class PendulumDrawer : ClassicControlDrawer
{
    public override string EnvName => "Pendulum";
    public override int ObservationSize => 3;
    protected override (double X, double Z, double Width) View => (0, 0, 2.6);

    public override void Draw(MjvScene scene, ReadOnlySpan<float> observation)
    {
        CheckSize(observation);
        DrawPose(scene, Math.Atan2(observation[1], observation[0]));
    }

    public override void DrawEnv(MjvScene scene, IVectorEnv env, int index)
    {
        if (env is not Pendulum pendulum) { base.DrawEnv(scene, env, index); return; }
        DrawPose(scene, pendulum.GetState(index).Theta);
    }

    static void DrawPose(MjvScene scene, double theta)
    {
        UserGeoms.AddCapsule(scene, (0, 0, 0), (Math.Sin(theta), 0, Math.Cos(theta)), 0.1, Pole);
        UserGeoms.AddSphere(scene, (0, -0.1, 0), 0.06, Track);
    }
}
