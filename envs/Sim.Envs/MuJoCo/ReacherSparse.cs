using Sim.Core;
using Sim.Core.Registry;
using Sim.Envs.MuJoCo.Captions;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary><c>ReacherSparse-v1</c>: the Reacher arm and targets, rewarded only while the fingertip is on the target.</summary>
/// <remarks>
/// Physics, observation and reset are <see cref="ReacherBase"/>'s. Reward 1 when |fingertip − target| &lt;
/// <c>successRadius</c> after the step, else 0, with no control cost; reported as <c>reward_success</c>, with the
/// <c>is_success</c> info flag set on the same steps. Episodes never terminate: the registry's 50-step limit
/// truncates them. The registry gives no reward threshold: what return counts as solved depends on how fast a
/// policy can get there, which has not been measured.
/// </remarks>
public sealed class ReacherSparse : ReacherBase
{
    /// <summary>Default distance under which the fingertip counts as on the target, m.</summary>
    public const double DefaultSuccessRadius = 0.05;

    /// <summary>Registry entry: 50-step episodes, no reward threshold.</summary>
    public static EnvSpec Spec { get; } = new("ReacherSparse-v1", (numEnvs, options) => new ReacherSparse(numEnvs, options),
        MaxEpisodeSteps: 50);

    readonly float[] _successReward;
    readonly bool[] _isSuccess;
    readonly int[] _captionCodes;
    readonly double[] _distanceBefore;

    /// <summary>Creates <paramref name="numEnvs"/> sparse reachers; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="successRadius">Distance under which the fingertip counts as on the target, m.</param>
    public ReacherSparse(int numEnvs, VectorEnvOptions? options = null, double successRadius = DefaultSuccessRadius)
        : base(numEnvs, options)
    {
        if (!(successRadius > 0))
            throw new ArgumentOutOfRangeException(nameof(successRadius), successRadius, "expected a positive success radius in metres");
        SuccessRadius = successRadius;
        _successReward = AddRewardTerm("success");
        _isSuccess = Infos.AddFlag(IGoalEnv.SuccessFlag);
        _captionCodes = AddCaptions(FingertipCaptions.Vocabulary);
        _distanceBefore = new double[numEnvs];
    }

    /// <summary>The task's event captions: the fingertip reaching, staying on, nearing or leaving the target.</summary>
    public static ApproachCaptions FingertipCaptions { get; } = new("fingertip", "target");

    /// <summary>Distance under which the fingertip counts as on the target, m.</summary>
    public double SuccessRadius { get; }

    // ResetEnv leaves is_success alone, as it leaves the caption: under same-step autoreset it runs inside the step that
    // ended the episode, whose flag must still be there when the step returns. BeforeSimulation clears it for the next step.

    protected override void BeforeSimulation(int env, MjData data)
    {
        _isSuccess[env] = false;
        _distanceBefore[env] = FingertipToTargetDistance(data);
    }

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double distance = FingertipToTargetDistance(data);
        bool success = distance < SuccessRadius;
        _captionCodes[env] = ApproachCaptions.Code(_distanceBefore[env], distance, SuccessRadius);
        float reward = success ? 1f : 0f;
        _isSuccess[env] = success;
        _successReward[env] = reward;
        terminated = false;
        return reward;
    }
}
