using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>The physics, reset and observation shared by the Reacher tasks; subclasses only say how a step is rewarded.</summary>
/// <remarks>
/// Observation (10 values, Gymnasium v5's): cos and sin of the two arm angles (4), the target's x and y (2), the
/// arm's joint velocities (2) and fingertip − target in x and y (2). Action: two joint torques in [−1, 1]
/// (gear 200). Reset: every qpos gets uniform noise in ±0.1, then the target is drawn uniformly from the square
/// [−0.2, 0.2]² until it lies strictly inside the 0.2 m disc; the arm's velocities get noise in ±0.005 and the target's are 0.
/// Positions come from <c>xpos</c> as the physics steps leave it (as Gymnasium reads them), so the fingertip used by
/// the observation and the reward is the one the last physics step started from.
/// </remarks>
public abstract class ReacherBase : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 10 ms per env step.</summary>
    public const int DefaultFrameSkip = 2;

    /// <summary>Radius of the disc the target is drawn from, m.</summary>
    public const double GoalRadius = 0.2;

    const int ArmJoints = 2;
    const int TargetQpos = 2;

    readonly int _fingertipBody, _targetBody;

    /// <summary>Loads <c>reacher.xml</c>, or <paramref name="xmlFile"/> when given, for <paramref name="numEnvs"/> envs.</summary>
    protected ReacherBase(int numEnvs, VectorEnvOptions? options, string? xmlFile = null, int frameSkip = DefaultFrameSkip)
        : base(EnvAssets.LoadModel(xmlFile, "reacher.xml"), numEnvs, frameSkip, Box.Unbounded(10), new Box(2, -1f, 1f), options)
    {
        _fingertipBody = Model.NameToId(MjObject.Body, "fingertip");
        _targetBody = Model.NameToId(MjObject.Body, "target");
    }

    /// <summary>Body id of the fingertip (its <c>xpos</c> is the point that must reach the target).</summary>
    public int FingertipBody => _fingertipBody;

    /// <summary>Body id of the target.</summary>
    public int TargetBody => _targetBody;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        SetWithUniformNoise(qpos, InitQpos, 0.1, ref rng);
        double gx, gy;
        do
        {
            gx = rng.Uniform(-GoalRadius, GoalRadius);
            gy = rng.Uniform(-GoalRadius, GoalRadius);
        } while (!(Math.Sqrt(gx * gx + gy * gy) < GoalRadius));
        qpos[TargetQpos] = gx;
        qpos[TargetQpos + 1] = gy;
        SetWithUniformNoise(qvel, InitQvel, 0.005, ref rng);
        qvel[TargetQpos] = 0;
        qvel[TargetQpos + 1] = 0;
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        var xpos = data.xpos;
        for (int j = 0; j < ArmJoints; j++)
        {
            observation[j] = (float)Math.Cos(qpos[j]);
            observation[ArmJoints + j] = (float)Math.Sin(qpos[j]);
            observation[6 + j] = (float)qvel[j];
        }
        observation[4] = (float)qpos[TargetQpos];
        observation[5] = (float)qpos[TargetQpos + 1];
        observation[8] = (float)(xpos[3 * _fingertipBody] - xpos[3 * _targetBody]);
        observation[9] = (float)(xpos[3 * _fingertipBody + 1] - xpos[3 * _targetBody + 1]);
    }

    /// <summary>Euclidean distance between the fingertip and the target bodies, m.</summary>
    protected double FingertipToTargetDistance(MjData data)
    {
        var xpos = data.xpos;
        double sum = 0;
        for (int k = 0; k < 3; k++)
        {
            double d = xpos[3 * _fingertipBody + k] - xpos[3 * _targetBody + k];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }
}
