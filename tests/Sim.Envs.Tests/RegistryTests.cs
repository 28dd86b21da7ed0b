using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Wrappers;

namespace Sim.Envs.Tests;

public class RegistryTests
{
    public static TheoryData<string> AllIds() => new(Envs.Registry.Ids);

    [Fact]
    public void The_registry_holds_the_whole_suite_and_the_v1_ids_still_resolve()
    {
        string[] expected =
        [
            "CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v1", "Acrobot-v1",
            "InvertedPendulum-v5", "Reacher-v5", "ReacherSparse-v1", "Hopper-v5", "HalfCheetah-v5",
            "Walker2d-v5", "Ant-v5", "Humanoid-v5", "ArmReach-v1", "ArmPush-v1",
        ];
        Assert.All(expected, id => Assert.Contains(id, Envs.Registry.Ids));
        string[] aliases = ["InvertedPendulum-v1", "Reacher-v1", "Hopper-v1", "HalfCheetah-v1", "Walker2d-v1", "Ant-v1", "Humanoid-v1"];
        Assert.All(aliases, alias => Assert.Equal(alias.Replace("-v1", "-v5"), Envs.Registry.Spec(alias).Id));
        Assert.DoesNotContain("Hopper-v1", Envs.Registry.Ids);
    }

    [Fact]
    public void An_alias_must_name_a_registered_id_and_not_shadow_one()
    {
        var registry = new EnvRegistry();
        registry.Register(Envs.Registry.Spec("CartPole-v1"));
        Assert.Contains("'CartPole-v0'", Assert.Throws<ArgumentException>(() => registry.RegisterAlias("X-v1", "CartPole-v0")).Message);
        Assert.Contains("'CartPole-v1' is already registered",
            Assert.Throws<ArgumentException>(() => registry.RegisterAlias("CartPole-v1", "CartPole-v1")).Message);
        registry.RegisterAlias("CartPole-v9", "CartPole-v1");
        Assert.Same(registry.Spec("CartPole-v1"), registry.Spec("CartPole-v9"));
    }

    [Fact]
    public void Unknown_id_lists_the_known_ids()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Envs.Make("Hoper-v1", 1));
        Assert.Contains("'Hoper-v1'", e.Message);
        Assert.Contains("Hopper-v5", e.Message);
        Assert.Contains("CartPole-v1", e.Message);
    }

    [Fact]
    public void Wrong_version_suggests_the_registered_one()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Envs.Make("Hopper-v4", 1));
        Assert.Contains("did you mean Hopper-v1 or Hopper-v5", e.Message);
    }

    [Fact]
    public void Duplicate_registration_is_rejected()
    {
        var registry = new EnvRegistry();
        registry.Register(Envs.Registry.Spec("CartPole-v1"));
        var e = Assert.Throws<ArgumentException>(() => registry.Register(Envs.Registry.Spec("CartPole-v1")));
        Assert.Contains("CartPole-v1", e.Message);
    }

    [Theory]
    [MemberData(nameof(AllIds))]
    public void Every_env_makes_steps_and_applies_its_time_limit(string id)
    {
        var spec = Envs.Registry.Spec(id);
        using var env = Envs.Make(id, numEnvs: 2, seed: 7);
        Assert.Equal(2, env.NumEnvs);
        Assert.All(env.EpisodeStarted.ToArray(), Assert.True); // Make resets with the seed
        var limit = (env as VectorEnvWrapper)?.Find<TimeLimit>();
        Assert.Equal(spec.MaxEpisodeSteps, limit?.MaxEpisodeSteps);

        var actions = new float[2 * env.SingleActionSpace.FlatSize];
        env.SingleActionSpace.Seed(1);
        for (int i = 0; i < 2; i++) env.SingleActionSpace.Sample(actions.AsSpan(i * env.SingleActionSpace.FlatSize, env.SingleActionSpace.FlatSize));
        env.Step(actions);
        Assert.All(env.Observations.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.All(env.Rewards.ToArray(), v => Assert.True(float.IsFinite(v)));

        // The terms of the reward add up to it.
        var terms = env.Infos.RewardTerms;
        Assert.NotEmpty(terms);
        for (int i = 0; i < 2; i++)
        {
            float sum = terms.Sum(t => env.Infos.Value(t)[i]);
            Assert.Equal(env.Rewards[i], sum, 1e-4f);
        }
    }

    [Theory]
    [MemberData(nameof(AllIds))]
    public void Same_seed_same_first_observation_and_env_i_uses_seed_plus_i(string id)
    {
        using var a = Envs.Make(id, numEnvs: 2, seed: 100);
        using var b = Envs.Make(id, numEnvs: 1, seed: 101);
        int size = a.SingleObservationSpace.FlatSize;
        Assert.Equal(b.Observations.ToArray(), a.Observations.Slice(size, size).ToArray());
    }
}
