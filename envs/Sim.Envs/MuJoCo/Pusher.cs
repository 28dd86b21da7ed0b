using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.Foundation;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Pusher-v5 (<c>Pusher-v5</c>): a seven-joint arm pushes a cylinder to a goal on a table.</summary>
/// <remarks>
/// Observation (23): the arm's 7 joint angles and 7 joint velocities, then the <c>xpos</c> of the fingertip
/// (<c>tips_arm</c>), the object and the goal (3 each), read as the physics steps leave them, as Gymnasium's
/// <c>get_body_com</c> does. Action: 7 joint torques in [−2, 2]. After the physics steps (v5 moved the reward there):
/// dist = −<c>rewardDistWeight</c> · |object − goal|, ctrl = −<c>rewardControlWeight</c> · Σa² of the action as given,
/// near = −<c>rewardNearWeight</c> · |object − fingertip|; reward = dist + ctrl + near, reported as Gymnasium's
/// <c>reward_dist</c>, <c>reward_ctrl</c> and <c>reward_near</c>. Episodes never terminate: the registry's 100-step
/// limit truncates them. Reset: the arm starts at qpos0 without noise and its velocities get uniform noise in ±0.005;
/// the goal is at its body's start and the object's (y, x) offset is drawn from U(−0.3, 0) × U(−0.2, 0.2) until it is
/// more than 0.17 from the goal; object and goal start at rest. (The first draw goes to the y slide, the joint listed
/// first, exactly as Gymnasium writes it into <c>qpos[-4:-2]</c>.)
/// </remarks>
public sealed class Pusher : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 10 ms per env step.</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Smallest distance of the object's start from the goal, m.</summary>
    public const double MinObjectGoalDistance = 0.17;

    /// <summary>Registry entry: 100-step episodes, solved at a return of 0, as in Gymnasium.</summary>
    public static EnvSpec Spec { get; } = new("Pusher-v5", (numEnvs, options) => new Pusher(numEnvs, options),
        MaxEpisodeSteps: 100, RewardThreshold: 0.0) { ArgumentFactory = FromArguments };

    /// <summary>Builds pushers from Gymnasium v5's keyword arguments; unknown keys and bad values are errors.</summary>
    public static Pusher FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double near = a.Double("reward_near_weight", 0.5), dist = a.Double("reward_dist_weight", 1.0);
        double control = a.Double("reward_control_weight", 0.1);
        a.ThrowIfUnused();
        return new Pusher(numEnvs, options, near, dist, control, xmlFile, frameSkip);
    }

    const int ArmJoints = 7;
    const double ArmVelocityNoise = 0.005;

    readonly double _rewardNearWeight, _rewardDistWeight, _rewardControlWeight;
    readonly int _fingertipBody, _objectBody, _goalBody, _objectQpos;
    readonly float[] _distReward, _ctrlReward, _nearReward;

    /// <summary>Creates <paramref name="numEnvs"/> pushers with Gymnasium v5's weights; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="rewardNearWeight">Weight of the fingertip-object distance.</param>
    /// <param name="rewardDistWeight">Weight of the object-goal distance.</param>
    /// <param name="rewardControlWeight">Weight of Σa².</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    public Pusher(int numEnvs, VectorEnvOptions? options = null, double rewardNearWeight = 0.5, double rewardDistWeight = 1.0,
        double rewardControlWeight = 0.1, string? xmlFile = null, int frameSkip = DefaultFrameSkip)
        : this(EnvAssets.LoadModel(xmlFile, "pusher.xml"), numEnvs, options, frameSkip)
    {
        _rewardNearWeight = rewardNearWeight;
        _rewardDistWeight = rewardDistWeight;
        _rewardControlWeight = rewardControlWeight;
    }

    Pusher(MjModel model, int numEnvs, VectorEnvOptions? options, int frameSkip)
        : base(model, numEnvs, frameSkip, Box.Unbounded(23), ControlSpace(model), options)
    {
        if (model.nq != ArmJoints + 4 || model.nv != ArmJoints + 4)
            throw new ArgumentException($"a pusher model needs 7 arm joints then the object's and the goal's two slides (nq = nv = 11); this one has nq = {model.nq}, nv = {model.nv}");
        _fingertipBody = model.NameToId(MjObject.Body, "tips_arm");
        _objectBody = model.NameToId(MjObject.Body, "object");
        _goalBody = model.NameToId(MjObject.Body, "goal");
        _objectQpos = ArmJoints;
        // Gymnasium's column order.
        _distReward = AddRewardTerm("dist");
        _ctrlReward = AddRewardTerm("ctrl");
        _nearReward = AddRewardTerm("near");
    }

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        InitQpos.CopyTo(qpos);
        double y, x;
        do
        {
            y = rng.Uniform(-0.3, 0);
            x = rng.Uniform(-0.2, 0.2);
        } while (!(Math.Sqrt(y * y + x * x) > MinObjectGoalDistance));
        qpos[_objectQpos] = y;
        qpos[_objectQpos + 1] = x;
        qpos[_objectQpos + 2] = 0;
        qpos[_objectQpos + 3] = 0;
        SetWithUniformNoise(qvel, InitQvel, ArmVelocityNoise, ref rng);
        for (int j = _objectQpos; j < qvel.Length; j++) qvel[j] = 0;
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        for (int j = 0; j < ArmJoints; j++)
        {
            observation[j] = (float)qpos[j];
            observation[ArmJoints + j] = (float)qvel[j];
        }
        var xpos = data.xpos;
        for (int c = 0; c < 3; c++)
        {
            observation[2 * ArmJoints + c] = (float)xpos[3 * _fingertipBody + c];
            observation[2 * ArmJoints + 3 + c] = (float)xpos[3 * _objectBody + c];
            observation[2 * ArmJoints + 6 + c] = (float)xpos[3 * _goalBody + c];
        }
    }

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        var xpos = data.xpos;
        double dist = -_rewardDistWeight * Distance(xpos, _objectBody, _goalBody);
        double near = -_rewardNearWeight * Distance(xpos, _objectBody, _fingertipBody);
        double squares = 0;
        foreach (float a in action) squares += (double)a * a;
        double ctrl = -_rewardControlWeight * squares;
        _distReward[env] = (float)dist;
        _ctrlReward[env] = (float)ctrl;
        _nearReward[env] = (float)near;
        terminated = false;
        return (float)(dist + ctrl + near);
    }

    static double Distance(ReadOnlySpan<double> xpos, int a, int b)
    {
        double sum = 0;
        for (int c = 0; c < 3; c++)
        {
            double d = xpos[3 * a + c] - xpos[3 * b + c];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }
}
