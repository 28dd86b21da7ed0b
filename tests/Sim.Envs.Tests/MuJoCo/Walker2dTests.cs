using Sim.Core;
using Sim.Envs.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Walker2d-v1: model dimensions, observation layout, v5 reward and health rules, time limit, threading determinism.</summary>
public class Walker2dTests : PlanarWalkerTests<Walker2d>
{
    const int Nq = 9, Nu = 6;

    protected override string Id => "Walker2d-v1";
    protected override int NumQpos => Nq;
    protected override int NumActuators => Nu;
    protected override double UnhealthyHeight => 0.7;

    protected override Walker2d Create(int numEnvs, VectorEnvOptions? options = null) => new(numEnvs, options);

    protected override Walker2d CreateWithWeights(double forwardRewardWeight, double ctrlCostWeight, double healthyReward) =>
        new(1, forwardRewardWeight: forwardRewardWeight, ctrlCostWeight: ctrlCostWeight, healthyReward: healthyReward);

    protected override Walker2d CreateWithoutTermination() => new(1, terminateWhenUnhealthy: false);

    /// <summary>Height in (0.8, 2), angle in (−1, 1), nothing else.</summary>
    protected override bool ExpectedHealthy(double[] s)
    {
        double z = s[1 + 1], angle = s[1 + 2];
        return z > 0.8 && z < 2.0 && angle > -1 && angle < 1;
    }

    [Fact]
    public void Model_has_the_gymnasium_walker_dimensions()
    {
        using var env = new Walker2d(1);
        string[] joints = ["rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint", "thigh_left_joint", "leg_left_joint", "foot_left_joint"];
        AssertPlanarModel(env, joints, gear: 100);
        // Masses from the capsule sizes: torso, then thigh, leg and foot of the right and the left leg.
        double[] expectedMasses =
        [
            0, GeomMass.Capsule(0.05, 0.4),
            GeomMass.Capsule(0.05, 0.45), GeomMass.Capsule(0.04, 0.5), GeomMass.Capsule(0.06, 0.2),
            GeomMass.Capsule(0.05, 0.45), GeomMass.Capsule(0.04, 0.5), GeomMass.Capsule(0.06, 0.2),
        ];
        for (int b = 0; b < expectedMasses.Length; b++) Assert.Equal(expectedMasses[b], env.Model.body_mass[b], 9);
    }

    [Fact]
    public void Spaces_are_17_observations_and_6_actions_in_unit_box() => AssertSpaces();

    [Fact]
    public void Registry_builds_walker_with_time_limit_and_no_threshold() => AssertRegistryEntry(rewardThreshold: null);

    [Fact]
    public void Observation_is_qpos_without_x_then_qvel_clipped_to_10()
    {
        var obs = ObservationAfterStepWithVelocities((0, 30), (1, 12)); // flying forward and up, clear of the floor
        Assert.Equal(10f, obs[8]);
        Assert.Equal(10f, obs[9]);
    }

    public static TheoryData<string, int, double, bool> HealthBoundaries() => new()
    {
        // name, index into [time, qpos, qvel] (-1: folded pose at that height), value, terminated
        { "torso height 0.79", -1, 0.79, true },
        { "torso height 0.81", -1, 0.81, false },
        { "torso height 2.05", 1 + 1, 2.05, true },
        { "torso height 1.95", 1 + 1, 1.95, false },
        { "torso angle 1.05", 1 + 2, 1.05, true },
        { "torso angle -1.05", 1 + 2, -1.05, true },
        { "torso angle 0.95", 1 + 2, 0.95, false },
        { "x velocity 200 (no state range)", 1 + Nq + 0, 200, false },
    };

    [Theory]
    [MemberData(nameof(HealthBoundaries))]
    public void Leaving_the_healthy_ranges_terminates_without_healthy_reward(string name, int index, double value, bool terminated) =>
        AssertHealthBoundary(name, index, value, terminated);

    [Fact]
    public void Walker_without_actions_collapses_and_terminates()
    {
        var s = StateWhenPassiveWalkerFalls();
        Assert.False(ExpectedHealthy(s), $"terminated at z = {s[2]}, angle = {s[3]}");
    }
}
