using Sim.Core;
using Sim.Foundation;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;
using static Sim.Envs.Tests.MuJoCo.PhysicsSnapshots;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Humanoid-v1: model structure, observation layout, v5 reward with centre-of-mass progress and capped contact cost, health rules, threading determinism.</summary>
public class HumanoidTests
{
    const int Nq = 24, Nv = 23, Nu = 17, Bodies = 13;
    const double Dt = 0.003 * 5;

    /// <summary>The humanoid's action box is [−0.4, 0.4].</summary>
    const double ActionBound = 0.4;

    /// <summary>x of the centre of mass: Σ m_b x_b / Σ m_b over the bodies' inertial frames.</summary>
    static double CenterOfMassX(MjModel model, MjData data)
    {
        var mass = model.body_mass;
        var xipos = data.xipos;
        double weighted = 0, total = 0;
        for (int b = 0; b < model.nbody; b++)
        {
            weighted += mass[b] * xipos[3 * b];
            total += mass[b];
        }
        return weighted / total;
    }

    [Fact]
    public void Model_has_the_gymnasium_humanoid_structure()
    {
        using var env = new Humanoid(1);
        var model = env.Model;
        Assert.Equal(Nq, model.nq);
        Assert.Equal(Nv, model.nv);
        Assert.Equal(Nu, model.nu);
        Assert.Equal(Bodies + 1, model.nbody);
        Assert.Equal(0.003, model.Timestep);
        Assert.Equal(Dt, env.Dt, 12);
        string[] bodies =
        [
            "torso", "lwaist", "pelvis", "right_thigh", "right_shin", "right_foot", "left_thigh", "left_shin", "left_foot",
            "right_upper_arm", "right_lower_arm", "left_upper_arm", "left_lower_arm",
        ];
        for (int b = 0; b < bodies.Length; b++) Assert.Equal(bodies[b], model.IdToName(MjObject.Body, b + 1));
        string[] actuators =
        [
            "abdomen_y", "abdomen_z", "abdomen_x", "right_hip_x", "right_hip_z", "right_hip_y", "right_knee",
            "left_hip_x", "left_hip_z", "left_hip_y", "left_knee", "right_shoulder1", "right_shoulder2", "right_elbow",
            "left_shoulder1", "left_shoulder2", "left_elbow",
        ];
        for (int i = 0; i < actuators.Length; i++) Assert.Equal(actuators[i], model.IdToName(MjObject.Actuator, i));
    }

    [Fact]
    public void Spaces_are_348_observations_and_17_actions_in_a_box_of_0_4()
    {
        using var env = new Humanoid(1);
        Assert.Equal(22 + 23 + 130 + 78 + 17 + 78, env.SingleObservationSpace.FlatSize);
        Assert.Equal(348, env.SingleObservationSpace.FlatSize);
        MuJoCoEnvAssertions.ActionSpaceIsBox(env.SingleActionSpace, Nu, -0.4f, 0.4f);
    }

    [Fact]
    public void Registry_builds_humanoid_with_time_limit_and_no_threshold() =>
        MuJoCoEnvAssertions.RegistryEntryIs("Humanoid-v1", rewardThreshold: null, observationSize: 348);

    [Fact]
    public void Reset_adds_uniform_noise_of_0_01_to_qpos_and_qvel()
    {
        using var env = new Humanoid(4);
        env.Reset(seed: 17);
        for (int i = 0; i < env.NumEnvs; i++)
        {
            var s = State(env, i);
            Assert.InRange(s[3] - 1.4, -0.01, 0.01);
            for (int j = 7; j < Nq; j++) Assert.InRange(s[1 + j], -0.01, 0.01);
            for (int j = 0; j < Nv; j++)
            {
                Assert.InRange(s[1 + Nq + j], -0.01, 0.01);
                Assert.NotEqual(0.0, s[1 + Nq + j]);
            }
        }
    }

    [Fact]
    public void Observation_concatenates_the_physics_arrays_without_the_world_body()
    {
        using var env = new Humanoid(1);
        env.Reset(seed: 1);
        env.Step(new float[Nu]);
        env.Step(new float[Nu]);
        var data = env.Data(0);
        var obs = env.Observations;
        int k = 0;
        foreach (var (values, skip) in new[]
        {
            (data.qpos.ToArray(), 2), (data.qvel.ToArray(), 0), (data.cinert.ToArray(), 10), (data.cvel.ToArray(), 6),
            (data.qfrc_actuator.ToArray(), 6), (data.cfrc_ext.ToArray(), 6),
        })
        {
            for (int j = skip; j < values.Length; j++) Assert.Equal((float)values[j], obs[k++]);
        }
        Assert.Equal(348, k);
        // The feet start in the air, but the torso (body 1) carries the inertia of a 9 kg capsule set.
        Assert.NotEqual(0f, obs[45]);
    }

    [Fact]
    public void Reward_is_the_sum_of_terms_recomputed_from_the_physics_state()
    {
        using var env = new Humanoid(1);
        env.Reset(seed: 9);
        var rng = new SimRandom(4);
        bool sawContact = false;
        for (int t = 0; t < 60; t++)
        {
            var action = UniformActions.Sample(ref rng, Nu, ActionBound);
            double comBefore = CenterOfMassX(env.Model, env.Data(0));
            env.Step(action);
            var data = env.Data(0);
            var s = State(env, 0);

            double xVelocity = (CenterOfMassX(env.Model, data) - comBefore) / Dt;
            double z = s[3];
            bool healthy = z > 1.0 && z < 2.0;
            double ctrl = 0.1 * action.Sum(a => (double)a * a);
            double contact = Math.Min(5e-7 * data.cfrc_ext.ToArray().Sum(f => f * f), 10);
            MuJoCoEnvAssertions.LocomotionRewardIs(env, forward: 1.25 * xVelocity, healthy: healthy ? 5 : 0, ctrl, contact,
                xPosition: s[1], xVelocity);
            Assert.Equal(!healthy, env.Terminated[0]);
            sawContact |= contact > 0;
            if (env.Terminated[0]) break;
        }
        Assert.True(sawContact, "the humanoid lands on the floor, so cfrc_ext must become non-zero");
    }

    [Fact]
    public void Contact_cost_is_capped()
    {
        using var env = new Humanoid(1, contactCostWeight: 1.0);
        env.Reset(seed: 3);
        // Drop the humanoid onto the floor: the feet land within a few steps.
        for (int t = 0; t < 30 && env.Infos.Value("reward_contact")[0] == 0; t++) env.Step(new float[Nu]);
        Assert.Equal(-10f, env.Infos.Value("reward_contact")[0]);
    }

    /// <summary>Puts env 0 at rest with the torso at height <paramref name="z"/> and orientation <paramref name="quat"/>.</summary>
    static void PlaceTorso(Humanoid env, double z, double[] quat)
    {
        var s = State(env, 0);
        s[3] = z;
        for (int j = 0; j < 4; j++) s[4 + j] = quat[j];
        for (int j = 0; j < Nv; j++) s[1 + Nq + j] = 0;
        env.SetPhysicsState(0, s);
    }

    [Fact]
    public void Torso_below_one_metre_terminates_without_healthy_reward()
    {
        using var env = new Humanoid(1);
        env.Reset(seed: 4);
        // Pitched 90° about y, the body lies horizontally at 0.9 m, clear of the floor; one 15 ms step of free fall
        // lowers it by about a millimetre.
        PlaceTorso(env, 0.9, [Math.Sqrt(0.5), 0, Math.Sqrt(0.5), 0]);
        MuJoCoEnvAssertions.ZeroActionStep(env, terminated: true, healthyReward: 0f);
    }

    [Fact]
    public void Torso_above_two_metres_terminates()
    {
        using var env = new Humanoid(1);
        env.Reset(seed: 4);
        PlaceTorso(env, 2.5, [1, 0, 0, 0]);
        MuJoCoEnvAssertions.ZeroActionStep(env, terminated: true, healthyReward: 0f);
    }

    [Fact]
    public void Unhealthy_state_does_not_terminate_when_termination_is_disabled()
    {
        using var env = new Humanoid(1, terminateWhenUnhealthy: false);
        env.Reset(seed: 4);
        PlaceTorso(env, 2.5, [1, 0, 0, 0]);
        MuJoCoEnvAssertions.ZeroActionStep(env, terminated: false, healthyReward: 0f);
    }

    [Fact]
    public void Humanoid_with_zero_action_falls_and_terminates_within_200_steps()
    {
        using var env = new Humanoid(1);
        env.Reset(seed: 12);
        int steps = 0;
        while (steps < 200)
        {
            env.Step(new float[Nu]);
            steps++;
            if (env.Terminated[0]) break;
        }
        Assert.True(env.Terminated[0], $"still standing after {steps} steps");
        Assert.True(steps > 5, $"fell after only {steps} steps: the start pose should be upright");
        Assert.True(State(env, 0)[3] <= 1.0);
    }

    [Fact]
    public void Random_rollout_of_200_steps_keeps_observations_finite()
    {
        using var env = new Humanoid(4);
        env.Reset(seed: 21);
        int episodesEnded = MuJoCoEnvAssertions.RandomRolloutStaysFinite(env, 200, ActionBound);
        Assert.True(episodesEnded > 0, "random humanoids fall: some episode must end in 200 steps");
    }

    [Fact]
    public void Trajectories_are_identical_with_one_or_two_threads() =>
        MuJoCoEnvAssertions.ThreadCountDoesNotChangeTrajectories(options => new Humanoid(5, options), steps: 40, ActionBound);
}
