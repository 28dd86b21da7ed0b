using Sim.Core;
using Sim.Envs.ClassicControl;
using Sim.Viewer.Native;

namespace Sim.Viewer.ClassicControl;

/// <summary>Draws CartPole: the track, the cart at x and the 1 m pole at angle θ from upright (observation [x, ẋ, θ, θ̇]).</summary>
public sealed class CartPoleDrawer : ClassicControlDrawer
{
    const double PoleLength = 1.0; // twice the env's half-length of 0.5

    public override string EnvName => "CartPole";
    public override int ObservationSize => 4;
    protected override (double X, double Z, double Width) View => (0, 0.45, 2 * CartPole.XThreshold + 0.6);

    public override void Draw(MjvScene scene, ReadOnlySpan<float> observation)
    {
        CheckSize(observation);
        DrawPose(scene, observation[0], observation[2]);
    }

    public override void DrawEnv(MjvScene scene, IVectorEnv env, int index)
    {
        if (env is not CartPole cartPole) { base.DrawEnv(scene, env, index); return; }
        var (x, _, theta, _) = cartPole.GetState(index);
        DrawPose(scene, x, theta);
    }

    static void DrawPose(MjvScene scene, double x, double theta)
    {
        UserGeoms.AddBox(scene, (0, 0.05, -0.12), (CartPole.XThreshold + 0.25, 0.01, 0.01), 0, Track);
        UserGeoms.AddBox(scene, (x, 0, -0.04), (0.25, 0.08, 0.075), 0, Body);
        var tip = (x + PoleLength * Math.Sin(theta), -0.09, PoleLength * Math.Cos(theta));
        UserGeoms.AddCapsule(scene, (x, -0.09, 0), tip, 0.04, Pole);
        UserGeoms.AddSphere(scene, (x, -0.1, 0), 0.05, Joint);
    }
}
