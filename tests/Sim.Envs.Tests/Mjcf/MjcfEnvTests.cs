using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Envs.Mjcf;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.Mjcf;

/// <summary>Envs built from a user's MJCF file: the default task's reward and observation against an independent
/// MuJoCo rollout, custom task functions, the registry's path ids, and clear errors for unusable models.</summary>
public sealed class MjcfEnvTests : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sim-mjcf-");

    public void Dispose() => _folder.Delete(recursive: true);

    string Write(string name, string xml)
    {
        string path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, xml);
        return path;
    }

    string Crawler() => Write("crawler.xml", EnvAssets.ReadText("crawler.xml"));

    [Fact]
    public void Default_task_rewards_the_root_bodys_x_velocity_minus_the_control_cost()
    {
        string path = Crawler();
        using var env = Envs.FromMjcf(path, 1, seed: 5);
        var physics = Assert.IsType<MjcfEnv>(((VectorEnvWrapper)env).Find<MjcfEnv>());
        var state = new double[physics.PhysicsStateSize];
        physics.GetPhysicsState(0, state);
        float[] action = [0.7f, -0.4f];
        env.Step(action);

        // An independent rollout from the same state: 5 physics steps with the same controls, x of the torso from xpos.
        using var model = MjModel.FromXmlFile(path);
        using var data = new MjData(model);
        data.time = state[0];
        state.AsSpan(1, model.nq).CopyTo(data.qpos);
        state.AsSpan(1 + model.nq, model.nv).CopyTo(data.qvel);
        data.Forward();
        double xBefore = data.xpos[3];
        data.ctrl[0] = 0.7;
        data.ctrl[1] = -0.4;
        for (int k = 0; k < 5; k++) MjNative.mj_step(model.Ptr, data.Ptr);
        double forward = (data.xpos[3] - xBefore) / (0.01 * 5);
        double ctrl = 0.1 * (0.7 * 0.7 + 0.4 * 0.4);

        Assert.Equal(forward, env.Infos.Value("reward_forward")[0], 4);
        Assert.Equal(-ctrl, env.Infos.Value("reward_ctrl")[0], 5);
        Assert.Equal(forward - ctrl, env.Rewards[0], 4);
        Assert.False(env.Terminated[0]);
        // Observation: qpos without the root's x (its first joint slides along x), then qvel.
        float[] expected = [(float)data.qpos[1], (float)data.qpos[2], (float)data.qpos[3],
            (float)data.qvel[0], (float)data.qvel[1], (float)data.qvel[2], (float)data.qvel[3]];
        // The env's data keeps the solver's warm start from its reset, so the last digits may differ.
        Assert.Equal(expected.Length, env.Observations.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], env.Observations[i], 1e-4f);
    }

    [Fact]
    public void Custom_functions_give_the_observation_reward_terms_and_termination()
    {
        var task = new MjcfTask
        {
            ObservationSize = model => 1,
            Observe = (model, data, observation) => observation[0] = (float)data.Xpos[3 * model.BodyId("torso") + 2],
            RewardTerms = ["height", "effort"],
            Reward = (model, data, action, terms) =>
            {
                terms[0] = data.Xpos[3 * model.BodyId("torso") + 2];
                terms[1] = -Math.Abs(action[0]);
            },
            Terminated = (model, data) => data.Xpos[3 * model.BodyId("torso") + 2] < 10, // always below 10 m
            Reset = (model, qpos, qvel, ref rng) => qpos[1] = 0.5, // lifted 0.5 m above the model's pose
        };
        using var env = Envs.FromMjcf(Crawler(), 1, seed: 1, task: task, maxEpisodeSteps: null);
        Assert.Equal(1, env.SingleObservationSpace.FlatSize);
        Assert.Equal(0.75f, env.Observations[0], 6); // body at 0.25 plus the reset's 0.5
        env.Step([0.5f, 0f]);
        Assert.Equal(env.Infos.Value("reward_height")[0] - 0.5f, env.Rewards[0], 6);
        Assert.Equal(-0.5f, env.Infos.Value("reward_effort")[0]);
        Assert.True(env.Terminated[0]);
    }

    [Fact]
    public void The_registry_builds_an_mjcf_path_with_keyword_arguments()
    {
        string path = Crawler();
        using var env = Envs.Make(path, 2, seed: 3, arguments: new Dictionary<string, string>
        {
            ["frame_skip"] = "2",
            ["exclude_current_positions_from_observation"] = "false",
        });
        var physics = ((VectorEnvWrapper)env).Find<MjcfEnv>()!;
        Assert.Equal(2, physics.FrameSkip);
        Assert.Equal(4 + 4, env.SingleObservationSpace.FlatSize);
        Assert.Equal(1000, ((VectorEnvWrapper)env).Find<TimeLimit>()!.MaxEpisodeSteps);
        var e = Assert.Throws<ArgumentException>(() => Envs.Make(path, 1, arguments: new Dictionary<string, string> { ["healthy_reward"] = "1" }));
        Assert.Contains("'healthy_reward'", e.Message);
        Assert.Contains("forward_reward_weight", e.Message);
    }

    [Fact]
    public void A_model_without_actuators_is_refused_with_a_clear_message()
    {
        string path = Write("statue.xml", "<mujoco><worldbody><body><joint type=\"slide\"/><geom size=\"0.1\"/></body></worldbody></mujoco>");
        var e = Assert.Throws<ArgumentException>(() => Envs.FromMjcf(path, 1));
        Assert.Contains($"MJCF file '{path}' has no actuators", e.Message);
    }

    [Fact]
    public void Malformed_mjcf_fails_with_mujocos_own_message()
    {
        string path = Write("broken.xml", "<mujoco><worldbody><body><geom type=\"nosuchtype\"/></body></worldbody></mujoco>");
        var e = Assert.Throws<MuJoCoException>(() => Envs.FromMjcf(path, 1));
        Assert.Contains("nosuchtype", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Envs.Make(Path.Combine(_folder.FullName, "nowhere.xml"), 1));
        Assert.Contains("nowhere.xml", e.Message);
    }
}
