using Sim.Core;
using Sim.Core.Trajectories;
using Sim.Envs.MuJoCo;
using Sim.Envs.MuJoCo.Captions;
using Sim.Envs.MuJoCo.Goal;

namespace Sim.Envs.Tests.MuJoCo;

public class CaptionTests
{
    [Theory]
    [InlineData(0.20, 0.10, 3)]   // 10 cm closer
    [InlineData(0.10, 0.20, 4)]   // 10 cm away
    [InlineData(0.100, 0.1005, 0)] // half a millimetre: no event
    [InlineData(0.100, 0.099, 3)]  // exactly the minimum move
    [InlineData(0.06, 0.04, 1)]   // crossed the 5 cm radius
    [InlineData(0.04, 0.03, 2)]   // stayed inside
    [InlineData(0.04, 0.06, 4)]   // left the target
    [InlineData(0.05, 0.05, 0)]   // on the radius is not inside (strict, as success)
    public void Approach_codes_follow_the_distance_before_and_after(double before, double after, int expected) =>
        Assert.Equal(expected, ApproachCaptions.Code(before, after, radius: 0.05));

    [Fact]
    public void Approach_captions_name_the_mover_and_the_goal_in_code_order()
    {
        var captions = new ApproachCaptions("puck", "target");
        Assert.Equal(["the puck reached the target", "the puck is on the target", "the puck moved closer to the target",
            "the puck moved away from the target"], captions.Vocabulary);
    }

    [Fact]
    public void Arm_push_prefers_the_puck_then_the_touch_then_the_gripper()
    {
        Assert.Equal(["the puck reached the target", "the puck is on the target", "the puck moved closer to the target",
            "the puck moved away from the target", "the gripper touched the puck", "the gripper moved closer to the puck"],
            ArmPushCaptions.Vocabulary);
        // The puck moved 2 cm closer while touched: the puck's progress wins.
        Assert.Equal(3, ArmPushCaptions.Code(0.20, 0.18, 0.05, touching: true, 0.03, 0.03));
        // Touched, puck still: the touch.
        Assert.Equal(5, ArmPushCaptions.Code(0.20, 0.20, 0.05, touching: true, 0.03, 0.03));
        // No touch, the gripper 1 cm nearer the puck.
        Assert.Equal(6, ArmPushCaptions.Code(0.20, 0.20, 0.05, touching: false, 0.10, 0.09));
        // The gripper moving away from the puck is not an event.
        Assert.Equal(0, ArmPushCaptions.Code(0.20, 0.20, 0.05, touching: false, 0.09, 0.10));
    }

    /// <summary>The arm stretched along +x at rest (fingertip at (0.34, 0)), the puck at (px, py) moving at (vx, vy), the target at (gx, gy).</summary>
    static double[] PushState(ArmPush env, double px, double py, double gx, double gy, double vx = 0, double vy = 0)
    {
        var s = new double[env.PhysicsStateSize];
        int qvel = 1 + env.Model.nq;
        s[1 + env.PuckQpos] = px;
        s[1 + env.PuckQpos + 1] = py;
        s[1 + env.TargetQpos] = gx;
        s[1 + env.TargetQpos + 1] = gy;
        s[qvel + env.PuckDof] = vx;
        s[qvel + env.PuckDof + 1] = vy;
        return s;
    }

    static string StepOnce(ArmPush env, double[] state)
    {
        env.SetPhysicsState(0, state);
        env.Step(new float[3]);
        return env.Infos.Captions!.Text(0);
    }

    [Fact]
    public void Arm_push_captions_hand_built_states()
    {
        using var env = new ArmPush(1);
        env.Reset(seed: 4);
        // Puck 15 cm from the target, nothing moving: no event.
        Assert.Equal("", StepOnce(env, PushState(env, 0.10, -0.15, 0.10, 0.0)));
        // Puck 5.5 cm from the target sliding towards it at 0.5 m/s: 20 ms later it is inside the 5 cm radius.
        Assert.Equal("the puck reached the target", StepOnce(env, PushState(env, 0.10, -0.055, 0.10, 0.0, vy: 0.5)));
        // Puck 1 cm from the target at rest: it stays on it.
        Assert.Equal("the puck is on the target", StepOnce(env, PushState(env, 0.10, -0.01, 0.10, 0.0)));
        // Puck 15 cm away sliding away at 0.5 m/s.
        Assert.Equal("the puck moved away from the target", StepOnce(env, PushState(env, 0.10, -0.15, 0.10, 0.0, vy: -0.5)));
        // Puck pressed against the fingertip's capsule (tip at x = 0.34): touching, not moving towards the target.
        var touching = PushState(env, 0.34 + 0.012 + 0.024, 0.0, 0.34 + 0.036, 0.2);
        Assert.Equal("the gripper touched the puck", StepOnce(env, touching));
    }

    [Fact]
    public void Arm_reach_and_reacher_sparse_caption_the_fingertip()
    {
        using var reach = new ArmReach(1);
        reach.Reset(seed: 2);
        var s = new double[reach.PhysicsStateSize];
        s[1 + reach.TargetQpos] = 0.34;   // the stretched arm's fingertip is at (0.34, 0): on the target
        reach.SetPhysicsState(0, s);
        reach.Step(new float[3]);
        Assert.Equal("the fingertip is on the target", reach.Infos.Captions!.Text(0));
        Assert.True(reach.Infos.Flag("is_success")[0]);

        using var reacher = new ReacherSparse(1);
        reacher.Reset(seed: 2);
        Assert.Equal(ReacherSparse.FingertipCaptions.Vocabulary, reacher.Infos.Captions!.Vocabulary);
        var r = new double[reacher.PhysicsStateSize];
        r[1 + 2] = 0.21;   // arm stretched along +x (links 0.1 + 0.11: fingertip at 0.21); the target under it
        reacher.SetPhysicsState(0, r);
        reacher.Step(new float[2]);
        Assert.Equal("the fingertip is on the target", reacher.Infos.Captions.Text(0));
        r[1 + 2] = -0.1;
        r[1 + 3] = 0.1;    // target far away, arm at rest: nothing happens
        reacher.SetPhysicsState(0, r);
        reacher.Step(new float[2]);
        Assert.Equal("", reacher.Infos.Captions.Text(0));
    }

    /// <summary>Puts env 0's torso at 0.5 m, below the healthy 0.7 m, keeping the rest of its state.</summary>
    static void LowerTorso(Hopper hopper)
    {
        var s = new double[hopper.PhysicsStateSize];
        hopper.GetPhysicsState(0, s);
        s[1 + 1] = 0.5;
        hopper.SetPhysicsState(0, s);
    }

    [Fact]
    public void Hopper_and_walker_caption_the_fall_and_cheetah_its_back()
    {
        using var hopper = new Hopper(1);
        hopper.Reset(seed: 1);
        hopper.Step(new float[3]);
        Assert.Equal("", hopper.Infos.Captions!.Text(0));
        LowerTorso(hopper);
        hopper.Step(new float[3]);
        Assert.True(hopper.Terminated[0]);
        Assert.Equal("the hopper fell", hopper.Infos.Captions.Text(0));

        using var walker = new Walker2d(1);
        Assert.Equal(["the walker fell"], walker.Infos.Captions!.Vocabulary);

        using var cheetah = new HalfCheetah(1);
        cheetah.Reset(seed: 1);
        var c = new double[cheetah.PhysicsStateSize];
        cheetah.GetPhysicsState(0, c);
        c[1 + 2] = Math.PI;   // torso turned half a circle
        c[1 + 1] = 0.5;
        cheetah.SetPhysicsState(0, c);
        cheetah.Step(new float[6]);
        Assert.Equal(HalfCheetah.OnItsBack, cheetah.Infos.Captions!.Text(0));
    }

    [Fact]
    public void Trajectories_record_and_round_trip_captions()
    {
        using var env = new ArmPush(2);
        var recorder = new TrajectoryRecorder(env, "ArmPush-v1");
        env.Reset(seed: 5);
        recorder.RecordReset(5);
        var actions = new float[6];
        var rng = new Random(3);
        var expected = new List<string>[2] { new(), new() };
        for (int t = 0; t < 30; t++)
        {
            for (int k = 0; k < actions.Length; k++) actions[k] = (float)(rng.NextDouble() * 2 - 1);
            env.Step(actions);
            recorder.RecordStep(actions);
            for (int i = 0; i < 2; i++) expected[i].Add(env.Infos.Captions!.Text(i));
        }
        Assert.Contains(expected[0].Concat(expected[1]), c => c.Length > 0);
        recorder.FlushInProgress();
        var trajectories = recorder.TakeCompleted();
        Assert.Equal(expected[0], trajectories.Single(t => t.EnvIndex == 0).Captions);
        Assert.Equal(expected[1], trajectories.Single(t => t.EnvIndex == 1).Captions);

        string path = Path.Combine(Path.GetTempPath(), $"captions-{Guid.NewGuid():N}.msgpack");
        try
        {
            TrajectoryFile.Write(path, trajectories);
            var read = TrajectoryFile.Read(path);
            Assert.Equal(expected[0], read.Single(t => t.EnvIndex == 0).Captions);
        }
        finally
        {
            File.Delete(path);
        }

    }

    [Fact]
    public void A_fall_keeps_its_caption_when_the_env_resets_in_the_same_step()
    {
        using var hopper = new Hopper(1, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        hopper.Reset(seed: 1);
        LowerTorso(hopper);
        hopper.Step(new float[3]);
        Assert.True(hopper.Terminated[0]);
        Assert.True(hopper.EpisodeStarted[0]);   // already reset to a new episode
        Assert.Equal("the hopper fell", hopper.Infos.Captions!.Text(0));
        hopper.Step(new float[3]);
        Assert.Equal("", hopper.Infos.Captions.Text(0));   // the next step starts without a caption
    }
}
