using Sim.Core;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>Each <c>-v5</c> task's compiled model against a table written from Gymnasium's published v5 MJCF files:
/// timestep, solver, friction per geom, gear per actuator and body masses.</summary>
/// <remarks>
/// The tables are Gymnasium's attribute values as written in its assets (a geom that sets only the sliding friction keeps
/// MuJoCo's default torsional 0.005 and rolling 0.0001, or its default class's); masses are computed here from the
/// geom sizes and densities of those files.
/// </remarks>
public class V5ModelParameterTests
{
    const int Pgs = 0, Newton = 2; // mjtSolver
    const int DefaultIterations = 100;

    /// <summary>A compiled model's parameters as Gymnasium's v5 asset gives them.</summary>
    public sealed record V5Table(
        double Timestep, int Solver, int Iterations,
        (string Geom, double Slide, double Spin, double Roll)[] Frictions,
        double[] Gears,
        (string Body, double Mass)[] Masses);

    static readonly double Sqrt2 = Math.Sqrt(2), Sqrt3 = Math.Sqrt(3);

    static double Capsule(double r, double l, double density = 1000) => GeomMass.Capsule(r, l) * density / 1000;
    static double Sphere(double r, double density = 1000) => GeomMass.Sphere(r) * density / 1000;
    static double Cylinder(double r, double h, double density) => GeomMass.Cylinder(r, h) * density / 1000;

    static readonly Dictionary<string, V5Table> Tables = new()
    {
        // hopper_v5.xml: floor without friction (MuJoCo's 1, 0.005, 0.0001), body geoms friction="0.9", foot "2.0".
        ["Hopper-v5"] = new(0.002, Newton, DefaultIterations,
            [("floor", 1, 0.005, 0.0001), ("torso_geom", 0.9, 0.005, 0.0001), ("thigh_geom", 0.9, 0.005, 0.0001),
             ("leg_geom", 0.9, 0.005, 0.0001), ("foot_geom", 2.0, 0.005, 0.0001)],
            [200, 200, 200],
            [("torso", Capsule(0.05, 0.4)), ("thigh", Capsule(0.05, 0.45)), ("leg", Capsule(0.04, 0.5)), ("foot", Capsule(0.06, 0.39))]),
        // walker2d_v5.xml: default friction ".7 .1 .1" (the floor's), torso/thighs/legs friction="0.9", feet "1.9".
        ["Walker2d-v5"] = new(0.002, Newton, DefaultIterations,
            [("floor", 0.7, 0.1, 0.1), ("torso_geom", 0.9, 0.1, 0.1),
             ("thigh_geom", 0.9, 0.1, 0.1), ("leg_geom", 0.9, 0.1, 0.1), ("foot_geom", 1.9, 0.1, 0.1),
             ("thigh_left_geom", 0.9, 0.1, 0.1), ("leg_left_geom", 0.9, 0.1, 0.1), ("foot_left_geom", 1.9, 0.1, 0.1)],
            [100, 100, 100, 100, 100, 100],
            [("torso", Capsule(0.05, 0.4)), ("thigh", Capsule(0.05, 0.45)), ("leg", Capsule(0.04, 0.5)), ("foot", Capsule(0.06, 0.2)),
             ("thigh_left", Capsule(0.05, 0.45)), ("leg_left", Capsule(0.04, 0.5)), ("foot_left", Capsule(0.06, 0.2))]),
        // humanoid.xml: PGS with 50 iterations at 3 ms, floor friction "1 .1 .1", every other geom MuJoCo's default.
        ["Humanoid-v5"] = new(0.003, Pgs, 50,
            [("floor", 1, 0.1, 0.1), ("torso1", 1, 0.005, 0.0001), ("head", 1, 0.005, 0.0001), ("uwaist", 1, 0.005, 0.0001),
             ("lwaist", 1, 0.005, 0.0001), ("butt", 1, 0.005, 0.0001), ("right_thigh1", 1, 0.005, 0.0001),
             ("right_shin1", 1, 0.005, 0.0001), ("right_foot", 1, 0.005, 0.0001), ("left_thigh1", 1, 0.005, 0.0001),
             ("left_shin1", 1, 0.005, 0.0001), ("left_foot", 1, 0.005, 0.0001), ("right_uarm1", 1, 0.005, 0.0001),
             ("right_larm", 1, 0.005, 0.0001), ("right_hand", 1, 0.005, 0.0001), ("left_uarm1", 1, 0.005, 0.0001),
             ("left_larm", 1, 0.005, 0.0001), ("left_hand", 1, 0.005, 0.0001)],
            [100, 100, 100, 100, 100, 300, 200, 100, 100, 300, 200, 25, 25, 25, 25, 25, 25],
            [("torso", Capsule(0.07, 0.14) + Sphere(0.09) + Capsule(0.06, 0.12)), ("lwaist", Capsule(0.06, 0.12)),
             ("pelvis", Capsule(0.09, 0.14)), ("right_thigh", Capsule(0.06, Math.Sqrt(0.01 * 0.01 + 0.34 * 0.34))),
             ("right_shin", Capsule(0.049, 0.3)), ("right_foot", Sphere(0.075)),
             ("left_thigh", Capsule(0.06, Math.Sqrt(0.01 * 0.01 + 0.34 * 0.34))), ("left_shin", Capsule(0.049, 0.3)),
             ("left_foot", Sphere(0.075)), ("right_upper_arm", Capsule(0.04, 0.16 * Sqrt3)),
             ("right_lower_arm", Capsule(0.031, 0.16 * Sqrt3) + Sphere(0.04)), ("left_upper_arm", Capsule(0.04, 0.16 * Sqrt3)),
             ("left_lower_arm", Capsule(0.031, 0.16 * Sqrt3) + Sphere(0.04))]),
        // humanoidstandup.xml: the humanoid's solver, timestep, frictions and gears, lying down.
        ["HumanoidStandup-v5"] = new(0.003, Pgs, 50,
            [("floor", 1, 0.1, 0.1), ("torso1", 1, 0.005, 0.0001), ("head", 1, 0.005, 0.0001), ("right_foot", 1, 0.005, 0.0001),
             ("left_hand", 1, 0.005, 0.0001)],
            [100, 100, 100, 100, 100, 300, 200, 100, 100, 300, 200, 25, 25, 25, 25, 25, 25],
            [("torso", Capsule(0.07, 0.14) + Sphere(0.09) + Capsule(0.06, 0.12)), ("right_thigh", Capsule(0.06, Math.Sqrt(0.34 * 0.34 + 0.01 * 0.01))),
             ("right_shin", Capsule(0.049, 0.3)), ("left_foot", Sphere(0.075))]),
        // half_cheetah.xml: default friction ".4 .1 .1" everywhere (the floor too), settotalmass="14".
        ["HalfCheetah-v5"] = new(0.01, Newton, DefaultIterations,
            [("floor", 0.4, 0.1, 0.1), ("torso", 0.4, 0.1, 0.1), ("head", 0.4, 0.1, 0.1), ("bthigh", 0.4, 0.1, 0.1),
             ("bshin", 0.4, 0.1, 0.1), ("bfoot", 0.4, 0.1, 0.1), ("fthigh", 0.4, 0.1, 0.1), ("fshin", 0.4, 0.1, 0.1),
             ("ffoot", 0.4, 0.1, 0.1)],
            [120, 90, 60, 120, 60, 30],
            []),
        // ant.xml: RK4 at 10 ms, default friction "1 0.5 0.5" (the floor too), density 5.
        ["Ant-v5"] = new(0.01, Newton, DefaultIterations,
            [("floor", 1, 0.5, 0.5), ("torso_geom", 1, 0.5, 0.5), ("aux_1_geom", 1, 0.5, 0.5), ("left_leg_geom", 1, 0.5, 0.5),
             ("left_ankle_geom", 1, 0.5, 0.5)],
            [150, 150, 150, 150, 150, 150, 150, 150],
            [("torso", Sphere(0.25, 5)), ("front_left_leg", Capsule(0.08, 0.2 * Sqrt2, 5)), ("aux_1", Capsule(0.08, 0.2 * Sqrt2, 5))]),
        // inverted_pendulum.xml: 20 ms, default friction "1 0.1 0.1", gear 100.
        ["InvertedPendulum-v5"] = new(0.02, Newton, DefaultIterations,
            [("rail", 1, 0.1, 0.1), ("cart", 1, 0.1, 0.1), ("cpole", 1, 0.1, 0.1)],
            [100],
            [("cart", Capsule(0.1, 0.2)), ("pole", Capsule(0.049, Math.Sqrt(0.001 * 0.001 + 0.6 * 0.6)))]),
        // swimmer.xml: 10 ms, no friction set (MuJoCo's default on every geom), gear 150, capsules of density 1000.
        ["Swimmer-v5"] = new(0.01, Newton, DefaultIterations,
            [("floor", 1, 0.005, 0.0001), ("front", 1, 0.005, 0.0001), ("middle", 1, 0.005, 0.0001), ("tail", 1, 0.005, 0.0001)],
            [150, 150],
            [("torso", Capsule(0.1, 1.0)), ("mid", Capsule(0.1, 1.0)), ("back", Capsule(0.1, 1.0))]),
        // inverted_double_pendulum.xml: 10 ms, default friction "1 0.1 0.1" (the floor too), gear 500.
        ["InvertedDoublePendulum-v5"] = new(0.01, Newton, DefaultIterations,
            [("floor", 1, 0.1, 0.1), ("rail", 1, 0.1, 0.1), ("cart", 1, 0.1, 0.1), ("cpole", 1, 0.1, 0.1), ("cpole2", 1, 0.1, 0.1)],
            [500],
            [("cart", Capsule(0.1, 0.2)), ("pole", Capsule(0.045, 0.6)), ("pole2", Capsule(0.045, 0.6))]),
        // pusher_v5.xml: Euler at 10 ms, no gravity, 20 iterations, default friction ".8 .1 .1" and density 300 (the table too),
        // motors of gear 1, the object's cylinder at density 0.01 without v4's sphere, the goal's at 0.00001.
        ["Pusher-v5"] = new(0.01, Newton, 20,
            [("table", 0.8, 0.1, 0.1), ("sp", 0.8, 0.1, 0.1), ("ua", 0.8, 0.1, 0.1), ("claw_left", 0.8, 0.1, 0.1),
             ("tip_arml", 0.8, 0.1, 0.1), ("object", 0.8, 0.1, 0.1), ("goal", 0.8, 0.1, 0.1)],
            [1, 1, 1, 1, 1, 1, 1],
            [("r_shoulder_pan_link", 2 * Sphere(0.05, 300) + 2 * Sphere(0.03, 300) + Capsule(0.1, 0.6, 300)),
             ("r_shoulder_lift_link", Capsule(0.1, 0.2, 300)), ("r_upper_arm_roll_link", Capsule(0.02, 0.2, 300)),
             ("r_upper_arm_link", Capsule(0.06, 0.4, 300)), ("r_elbow_flex_link", Capsule(0.06, 0.04, 300)),
             ("r_forearm_roll_link", Capsule(0.02, 0.2, 300)), ("r_forearm_link", Capsule(0.05, 0.291, 300)),
             ("r_wrist_flex_link", Capsule(0.01, 0.04, 300)),
             ("r_wrist_roll_link", Capsule(0.02, 0.2, 300) + 2 * Capsule(0.02, 0.1, 300)), ("tips_arm", 2 * Sphere(0.01, 300)),
             ("object", Cylinder(0.05, 0.05, 0.01)), ("goal", Cylinder(0.08, 0.001, 0.00001))]),
        // reacher.xml: 10 ms, default friction "1 0.1 0.1", gear 200.
        ["Reacher-v5"] = new(0.01, Newton, DefaultIterations,
            [("ground", 1, 0.1, 0.1), ("link0", 1, 0.1, 0.1), ("link1", 1, 0.1, 0.1), ("fingertip", 1, 0.1, 0.1), ("target", 1, 0.1, 0.1)],
            [200, 200],
            []),
    };

    public static TheoryData<string> V5Ids() => new(Tables.Keys);

    static MuJoCoVectorEnv Build(string id) =>
        Assert.IsAssignableFrom<MuJoCoVectorEnv>(Envs.Registry.Spec(id).Factory(1, VectorEnvOptions.Default));

    [Theory]
    [MemberData(nameof(V5Ids))]
    public void Compiled_model_matches_gymnasiums_v5_asset(string id)
    {
        var table = Tables[id];
        using var env = Build(id);
        var model = env.Model;
        Assert.Equal(table.Timestep, model.Timestep);
        Assert.Equal(table.Solver, model.opt_solver);
        Assert.Equal(table.Iterations, model.opt_iterations);
        foreach (var (geom, slide, spin, roll) in table.Frictions)
        {
            int g = model.NameToId(MjObject.Geom, geom);
            var friction = model.geom_friction.Slice(3 * g, 3).ToArray();
            Assert.True(friction.SequenceEqual([slide, spin, roll]),
                $"{id} geom {geom}: friction ({string.Join(", ", friction)}), expected ({slide}, {spin}, {roll})");
        }
        Assert.Equal(table.Gears.Length, model.nu);
        for (int a = 0; a < model.nu; a++)
        {
            Assert.Equal(table.Gears[a], model.actuator_gear[6 * a]);
            for (int k = 1; k < 6; k++) Assert.Equal(0.0, model.actuator_gear[6 * a + k]);
        }
        foreach (var (body, mass) in table.Masses)
            Assert.Equal(mass, model.body_mass[model.NameToId(MjObject.Body, body)], 9);
    }

    [Fact]
    public void Half_cheetah_weighs_14_kg_as_its_settotalmass_says()
    {
        using var env = Build("HalfCheetah-v5");
        double total = 0;
        foreach (double m in env.Model.body_mass) total += m;
        Assert.Equal(14.0, total, 9);
    }

    public static TheoryData<string> AliasedIds() => new(Envs.GymnasiumV5Names.Select(name => name + "-v5"));

    [Theory]
    [MemberData(nameof(AliasedIds))]
    public void The_v1_id_is_an_alias_of_the_v5_task(string id)
    {
        string alias = id.Replace("-v5", "-v1", StringComparison.Ordinal);
        Assert.Equal(id, Envs.Registry.Aliases[alias]);
        Assert.Same(Envs.Registry.Spec(id), Envs.Registry.Spec(alias));
    }
}
