using Sim.Core;
using Sim.Envs.ClassicControl;
using Sim.Viewer.Native;

namespace Sim.Viewer.ClassicControl;

/// <summary>Draws Acrobot: two 1 m links hanging from the pivot (θ1 = 0 points down, θ2 relative to link 1) and the goal
/// height line one link above the pivot (observation [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]).</summary>
public sealed class AcrobotDrawer : ClassicControlDrawer
{
    const double Link = 1.0;

    public override string EnvName => "Acrobot";
    public override int ObservationSize => 6;
    protected override (double X, double Z, double Width) View => (0, 0, 4.6);

    public override void Draw(MjvScene scene, ReadOnlySpan<float> observation)
    {
        CheckSize(observation);
        DrawPose(scene, Math.Atan2(observation[1], observation[0]), Math.Atan2(observation[3], observation[2]));
    }

    public override void DrawEnv(MjvScene scene, IVectorEnv env, int index)
    {
        if (env is not Acrobot acrobot) { base.DrawEnv(scene, env, index); return; }
        var (theta1, theta2, _, _) = acrobot.GetState(index);
        DrawPose(scene, theta1, theta2);
    }

    static void DrawPose(MjvScene scene, double theta1, double theta2)
    {
        UserGeoms.AddBox(scene, (0, 0.1, Link), (2.2, 0.01, 0.01), 0, Goal);
        var elbow = (Link * Math.Sin(theta1), 0.0, -Link * Math.Cos(theta1));
        var hand = (elbow.Item1 + Link * Math.Sin(theta1 + theta2), 0.0, elbow.Item3 - Link * Math.Cos(theta1 + theta2));
        UserGeoms.AddCapsule(scene, (0, 0, 0), elbow, 0.06, Joint);
        UserGeoms.AddCapsule(scene, elbow, hand, 0.06, Joint);
        UserGeoms.AddSphere(scene, (0, -0.07, 0), 0.08, Body);
        UserGeoms.AddSphere(scene, (elbow.Item1, -0.07, elbow.Item3), 0.08, Body);
    }
}
