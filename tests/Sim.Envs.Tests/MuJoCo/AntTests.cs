using Sim.Core;
using Sim.Foundation;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Ant-v1: model dimensions, observation layout with contact forces, v5 reward and health rules, threading determinism.</summary>
public class AntTests
{
    const int Nq = 15, Nv = 14;
    const double Dt = 0.01 * 5;

    [Fact]
    public void Model_has_the_gymnasium_ant_dimensions()
    {
        using var env = new Ant(1);
        Assert.Equal(Nq, env.Model.nq);
        Assert.Equal(Nv, env.Model.nv);
        Assert.Equal(8, env.Model.nu);
        Assert.Equal(14, env.Model.nbody); // world + torso + 4 legs × 3 bodies
        Assert.Equal(0.01, env.Model.Timestep);
        Assert.Equal(5, env.FrameSkip);
        Assert.Equal(Dt, env.Dt, 12);
        Assert.Equal("torso", env.Model.IdToName(MjObject.Body, 1));
        string[] actuators = ["hip_4", "ankle_4", "hip_1", "ankle_1", "hip_2", "ankle_2", "hip_3", "ankle_3"];
        for (int i = 0; i < actuators.Length; i++) Assert.Equal(actuators[i], env.Model.IdToName(MjObject.Actuator, i));
    }

    [Fact]
    public void Spaces_are_105_or_27_observations_and_8_actions_in_unit_box()
    {
        using var withForces = new Ant(1);
        using var withoutForces = new Ant(1, includeContactForces: false);
        Assert.Equal(105, withForces.SingleObservationSpace.FlatSize);
        Assert.Equal(27, withoutForces.SingleObservationSpace.FlatSize);
        MuJoCoEnvAssertions.ActionSpaceIsBox(withForces.SingleActionSpace, 8, -1f, 1f);
    }

    [Fact]
    public void Registry_builds_ant_with_time_limit_and_threshold() => MuJoCoEnvAssertions.RegistryEntryIs("Ant-v1", 6000, observationSize: 105);

    [Fact]
    public void Reset_adds_bounded_uniform_noise_to_qpos_and_normal_noise_to_qvel()
    {
        using var env = new Ant(8);
        env.Reset(seed: 11);
        double[] qpos0 = [0, 0, 0.75, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        double maxVel = 0;
        for (int i = 0; i < env.NumEnvs; i++)
        {
            var s = State(env, i);
            for (int j = 0; j < Nq; j++)
            {
                if (j is >= 3 and <= 6) continue;
                double d = s[1 + j] - qpos0[j];
                Assert.InRange(d, -0.1, 0.1);
                Assert.NotEqual(0.0, d);
            }
            // MuJoCo 2.2 renormalises the noisy root quaternion in place, so each part of (1 + u0, u1, u2, u3) / norm
            // stays within 0.1 / 0.9 of the identity.
            double norm = Math.Sqrt(s[4] * s[4] + s[5] * s[5] + s[6] * s[6] + s[7] * s[7]);
            Assert.Equal(1.0, norm, 9);
            for (int j = 4; j <= 7; j++) Assert.InRange(s[j] - qpos0[j - 1], -0.1 / 0.9, 0.1 / 0.9);
            for (int j = 0; j < Nv; j++) maxVel = Math.Max(maxVel, Math.Abs(s[1 + Nq + j]));
        }
        // Normal noise with std 0.1: some of 112 draws exceed the uniform bound, none is absurd.
        Assert.InRange(maxVel, 0.1, 0.6);
    }

    [Fact]
    public void Reward_is_the_sum_of_terms_recomputed_from_the_physics_state()
    {
        using var env = new Ant(1);
        env.Reset(seed: 5);
        var rng = new SimRandom(99);
        bool sawContact = false;
        for (int t = 0; t < 30; t++)
        {
            var action = UniformActions.Sample(ref rng, 8);
            // Forward progress is measured on the torso body's world position, as Gymnasium does.
            double xBefore = env.Data(0).xpos[3];
            env.Step(action);
            var data = env.Data(0);
            var s = State(env, 0);

            double forward = (data.xpos[3] - xBefore) / Dt;
            double z = s[3];
            bool healthy = z >= 0.2 && z <= 1.0;
            double ctrl = 0.5 * action.Sum(a => (double)a * a);
            double contact = 5e-4 * data.cfrc_ext.ToArray().Sum(f => Math.Pow(Math.Clamp(f, -1, 1), 2));
            MuJoCoEnvAssertions.LocomotionRewardIs(env, forward, healthy: healthy ? 1 : 0, ctrl, contact, xPosition: s[1], xVelocity: forward);
            Assert.Equal(!healthy, env.Terminated[0]);
            sawContact |= contact > 0;

            // Observation: qpos without x and y, qvel, then the clipped external forces of bodies 1..13.
            var obs = env.Observations;
            for (int j = 2; j < Nq; j++) Assert.Equal((float)s[1 + j], obs[j - 2]);
            for (int j = 0; j < Nv; j++) Assert.Equal((float)s[1 + Nq + j], obs[13 + j]);
            var cfrc = data.cfrc_ext;
            for (int j = 6; j < cfrc.Length; j++) Assert.Equal((float)Math.Clamp(cfrc[j], -1, 1), obs[27 + j - 6]);
            if (env.Terminated[0]) break;
        }
        Assert.True(sawContact, "the legs rest on the floor, so cfrc_ext must be non-zero (mj_rnePostConstraint ran)");
    }

    [Fact]
    public void Reward_weights_are_constructor_arguments()
    {
        using var env = new Ant(1, forwardRewardWeight: 0, ctrlCostWeight: 2, contactCostWeight: 0, healthyReward: 3);
        env.Reset(seed: 2);
        float[] action = [0.5f, 0, 0, 0, 0, 0, 0, -0.5f];
        env.Step(action);
        Assert.Equal(0f, env.Infos.Value("reward_forward")[0]);
        Assert.Equal(0f, env.Infos.Value("reward_contact")[0]);
        Assert.Equal(-2 * 0.5, env.Infos.Value("reward_ctrl")[0], 6);
        Assert.Equal(3 - 1.0, env.Rewards[0], 5);
    }

    [Fact]
    public void Torso_above_the_healthy_range_terminates_without_healthy_reward()
    {
        using var env = new Ant(1);
        env.Reset(seed: 4);
        var s = State(env, 0);
        s[3] = 1.5; // torso z; one 0.05 s step of free fall lowers it by about 1.2 cm
        for (int j = 0; j < Nv; j++) s[1 + Nq + j] = 0;
        env.SetPhysicsState(0, s);
        MuJoCoEnvAssertions.ZeroActionStep(env, terminated: true, healthyReward: 0f);
    }

    [Fact]
    public void Unhealthy_state_does_not_terminate_when_termination_is_disabled()
    {
        using var env = new Ant(1, terminateWhenUnhealthy: false);
        env.Reset(seed: 4);
        var s = State(env, 0);
        s[3] = 1.5;
        env.SetPhysicsState(0, s);
        MuJoCoEnvAssertions.ZeroActionStep(env, terminated: false, healthyReward: 0f);
    }

    [Fact]
    public void Random_rollout_of_200_steps_keeps_observations_finite()
    {
        using var env = new Ant(4);
        env.Reset(seed: 21);
        MuJoCoEnvAssertions.RandomRolloutStaysFinite(env, 200);
    }

    [Fact]
    public void Trajectories_are_identical_with_one_or_two_threads() =>
        MuJoCoEnvAssertions.ThreadCountDoesNotChangeTrajectories(options => new Ant(6, options), steps: 40);
}
