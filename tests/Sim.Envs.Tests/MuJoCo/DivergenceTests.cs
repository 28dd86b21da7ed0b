using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

public class DivergenceTests
{
    /// <summary>A 2 kg cart on a rail with a strong unlimited motor (gear 1e6); reward = cart position.</summary>
    sealed class RailEnv(int numEnvs, VectorEnvOptions? options = null)
        : MuJoCoVectorEnv(MjModel.FromXmlString(Xml), numEnvs, frameSkip: 2, Box.Unbounded(2), new Box(1, -1e38f, 1e38f), options)
    {
        const string Xml = """
            <mujoco>
              <option timestep="0.01" gravity="0 0 0"/>
              <worldbody>
                <body name="cart"><joint name="rail" type="slide" axis="1 0 0"/><geom type="box" size="0.1 0.1 0.1" mass="2"/></body>
              </worldbody>
              <actuator><motor joint="rail" gear="1e6"/></actuator>
            </mujoco>
            """;

        protected override void ResetModel(MjData data, ref SimRandom rng) { }

        protected override void WriteObservation(int env, MjData data, Span<float> observation)
        {
            observation[0] = (float)data.qpos[0];
            observation[1] = (float)data.qvel[0];
        }

        protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
        {
            terminated = false;
            return (float)data.qpos[0];
        }
    }

    [Fact]
    public void A_diverging_step_is_truncated_flagged_and_reports_the_last_valid_state()
    {
        MjMessages.EchoToStderr = false;
        using var env = new RailEnv(2);
        env.Reset(seed: 0);
        for (int t = 0; t < 3; t++) env.Step([1e-6f, 1e-6f]);
        var before = env.Observations.ToArray();
        var diverged = env.Infos.Flag("diverged");

        env.Step([1e-6f, 1e9f]); // 5e14 m/s² on env 1: beyond MuJoCo's limit of 1e10

        Assert.False(diverged[0]);
        Assert.False(env.Truncated[0]);
        Assert.True(diverged[1]);
        Assert.True(env.Truncated[1]);
        Assert.False(env.Terminated[1]);
        // Env 1 is back at its state before the failed step: same observation, reward of that state.
        Assert.Equal(before[2], env.Observations[2]);
        Assert.Equal(before[3], env.Observations[3]);
        Assert.Equal(before[2], env.Rewards[1]);
        Assert.Equal(before[2], env.FinalObservations[2]);
        Assert.All(env.Observations.ToArray(), v => Assert.True(float.IsFinite(v)));

        // Gymnasium's next-step autoreset then starts a fresh episode, and the flag clears.
        env.Step([1f, 1f]);
        Assert.True(env.EpisodeStarted[1]);
        Assert.False(diverged[1]);
        Assert.Equal(0f, env.Observations[2]);
    }
}
