using Sim.Core;
using Sim.Envs.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Hopper-v1: model dimensions, observation layout, v5 reward and health rules, time limit, threading determinism.</summary>
public class HopperTests : PlanarWalkerTests<Hopper>
{
    const int Nq = 6, Nu = 3;

    protected override string Id => "Hopper-v1";
    protected override int NumQpos => Nq;
    protected override int NumActuators => Nu;
    protected override double UnhealthyHeight => 0.6;

    protected override Hopper Create(int numEnvs, VectorEnvOptions? options = null) => new(numEnvs, options);

    protected override Hopper CreateWithWeights(double forwardRewardWeight, double ctrlCostWeight, double healthyReward) =>
        new(1, forwardRewardWeight: forwardRewardWeight, ctrlCostWeight: ctrlCostWeight, healthyReward: healthyReward);

    protected override Hopper CreateWithoutTermination() => new(1, terminateWhenUnhealthy: false);

    protected override bool ExpectedHealthy(double[] s)
    {
        double z = s[1 + 1], angle = s[1 + 2];
        for (int j = 2; j < 2 * Nq; j++)
            if (!(s[1 + j] > -100 && s[1 + j] < 100)) return false;
        return z > 0.7 && Math.Abs(angle) < 0.2;
    }

    [Fact]
    public void Model_has_the_gymnasium_hopper_dimensions()
    {
        using var env = new Hopper(1);
        AssertPlanarModel(env, ["rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint"], gear: 200);
        // Masses from the capsule sizes: torso, thigh, leg and foot.
        var m = env.Model;
        Assert.Equal(GeomMass.Capsule(0.05, 0.4), m.body_mass[1], 9);
        Assert.Equal(GeomMass.Capsule(0.05, 0.45), m.body_mass[2], 9);
        Assert.Equal(GeomMass.Capsule(0.04, 0.5), m.body_mass[3], 9);
        Assert.Equal(GeomMass.Capsule(0.06, 0.39), m.body_mass[4], 9);
    }

    [Fact]
    public void Spaces_are_11_observations_and_3_actions_in_unit_box() => AssertSpaces();

    [Fact]
    public void Registry_builds_hopper_with_time_limit_and_threshold() => AssertRegistryEntry(rewardThreshold: 3800);

    [Fact]
    public void Observation_is_qpos_without_x_then_qvel_clipped_to_10()
    {
        var obs = ObservationAfterStepWithVelocities((0, 30), (2, -25)); // sliding forward through the air, spinning
        Assert.Equal(10f, obs[5]);
        Assert.Equal(-10f, obs[7]);
    }

    public static TheoryData<string, int, double, bool> HealthBoundaries() => new()
    {
        // name, index into [time, qpos, qvel] (-1: folded pose at that height), value, terminated
        { "torso height 0.69", -1, 0.69, true },
        { "torso height 0.71", -1, 0.71, false },
        { "torso angle 0.25", 1 + 2, 0.25, true },
        { "torso angle -0.25", 1 + 2, -0.25, true },
        { "torso angle 0.15", 1 + 2, 0.15, false },
        { "x velocity 150 (qvel is in the state range)", 1 + Nq + 0, 150, true },
        { "x velocity 90", 1 + Nq + 0, 90, false },
        { "z velocity 150", 1 + Nq + 1, 150, true },
    };

    [Theory]
    [MemberData(nameof(HealthBoundaries))]
    public void Leaving_the_healthy_ranges_terminates_without_healthy_reward(string name, int index, double value, bool terminated) =>
        AssertHealthBoundary(name, index, value, terminated);

    [Fact]
    public void Hopper_without_actions_falls_over_and_terminates()
    {
        // It first drops onto its foot, so it stays up for a while before toppling.
        var s = StateWhenPassiveWalkerFalls();
        Assert.True(s[2] <= 0.7 || Math.Abs(s[3]) >= 0.2, $"terminated at z = {s[2]}, angle = {s[3]}");
    }
}
