using Sim.Core;
using Sim.Core.Spaces;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Base of the tasks rewarded for moving along +x (Gymnasium's v5 locomotion family): the reward terms, health
/// termination and the <c>x_position</c>/<c>x_velocity</c> info columns they share.</summary>
/// <remarks>
/// Reward = forward + survive − ctrl − contact. forward = weight × (x after − x before) / <see cref="MuJoCoVectorEnv.Dt"/>
/// for the x of <see cref="ForwardPosition"/>; survive (the healthy reward) is paid only while <see cref="IsHealthy"/> (v5); ctrl = weight × Σa²
/// of the action as given (MuJoCo clamps the control, not the cost); contact is <see cref="ContactCost"/>. Tasks without
/// a healthy reward (the cheetah cannot fall) or a contact cost have no column for it and never terminate on health.
/// Each term is an info column (<c>reward_forward</c>, <c>reward_survive</c>, <c>reward_ctrl</c>, <c>reward_contact</c>;
/// costs as negative terms) so the terms sum to the reward. <c>x_position</c> is qpos[0] and <c>x_velocity</c> the
/// forward velocity; after a reset they are the new start and 0. The action box is the actuators' control ranges.
/// </remarks>
public abstract class LocomotionEnv : MuJoCoVectorEnv
{
    readonly double _forwardRewardWeight, _ctrlCostWeight, _healthyReward;
    readonly bool _terminateWhenUnhealthy;
    readonly double[] _positionBefore;
    readonly float[] _forwardReward, _ctrlReward, _xPosition, _xVelocity;
    readonly float[]? _healthyRewardTerm, _contactReward;

    /// <summary>Registers the reward terms of a locomotion task over <paramref name="model"/>.</summary>
    /// <param name="model">The compiled task.</param>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    /// <param name="observationSize">Length of one observation.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="forwardRewardWeight">Weight of the forward velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="healthyReward">Reward per step while healthy, or null for a task that has no healthy reward.</param>
    /// <param name="terminateWhenUnhealthy">Whether leaving the healthy state ends the episode.</param>
    /// <param name="hasContactCost">Whether the reward subtracts <see cref="ContactCost"/>.</param>
    /// <param name="resetNoiseScale">Scale of the reset noise; must be finite and non-negative.</param>
    protected LocomotionEnv(
        MjModel model, int numEnvs, int frameSkip, int observationSize, VectorEnvOptions? options,
        double forwardRewardWeight, double ctrlCostWeight, double? healthyReward, bool terminateWhenUnhealthy,
        bool hasContactCost, double resetNoiseScale)
        : base(model, numEnvs, frameSkip, Box.Unbounded(observationSize), ControlSpace(model), options)
    {
        if (!(resetNoiseScale >= 0) || double.IsInfinity(resetNoiseScale))
            throw new ArgumentOutOfRangeException(nameof(resetNoiseScale), resetNoiseScale, "expected a finite, non-negative noise scale");
        _forwardRewardWeight = forwardRewardWeight;
        _ctrlCostWeight = ctrlCostWeight;
        _healthyReward = healthyReward ?? 0.0;
        _terminateWhenUnhealthy = healthyReward is not null && terminateWhenUnhealthy;
        ResetNoiseScale = resetNoiseScale;
        _positionBefore = new double[numEnvs];
        // Registration order is the column order, Gymnasium's: the terms, then the positions.
        _forwardReward = AddRewardTerm("forward");
        if (healthyReward is not null) _healthyRewardTerm = AddRewardTerm("survive");
        _ctrlReward = AddRewardTerm("ctrl");
        if (hasContactCost) _contactReward = AddRewardTerm("contact");
        _xPosition = Infos.AddValue("x_position");
        _xVelocity = Infos.AddValue("x_velocity");
    }

    /// <summary>Scale of the noise added to the initial qpos and qvel (a half-width or a standard deviation, per task).</summary>
    protected double ResetNoiseScale { get; }

    /// <summary>The x whose change over a step is the forward progress, e.g. qpos[0], a body's position or the centre of mass.</summary>
    protected abstract double ForwardPosition(MjData data);

    /// <summary>Whether <paramref name="data"/> is in the healthy state; asked only by tasks with a healthy reward.</summary>
    protected virtual bool IsHealthy(MjData data) => true;

    /// <summary>The contact cost of <paramref name="data"/> (positive); asked only by tasks that have one.</summary>
    protected virtual double ContactCost(MjData data) => 0.0;

    protected override void ResetEnv(int env)
    {
        base.ResetEnv(env);
        _xPosition[env] = (float)Datas[env].qpos[0];
        _xVelocity[env] = 0f;
    }

    protected sealed override void BeforeSimulation(int env, MjData data) => _positionBefore[env] = ForwardPosition(data);

    protected sealed override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double xVelocity = (ForwardPosition(data) - _positionBefore[env]) / Dt;
        double forward = _forwardRewardWeight * xVelocity;
        double reward = forward;
        _forwardReward[env] = (float)forward;

        bool healthy = true;
        if (_healthyRewardTerm is not null)
        {
            healthy = IsHealthy(data);
            double healthyReward = healthy ? _healthyReward : 0.0;
            reward += healthyReward;
            _healthyRewardTerm[env] = (float)healthyReward;
        }

        double sumSquaredActions = 0;
        for (int j = 0; j < action.Length; j++) sumSquaredActions += (double)action[j] * action[j];
        double ctrlCost = _ctrlCostWeight * sumSquaredActions;
        reward -= ctrlCost;
        _ctrlReward[env] = (float)-ctrlCost;

        if (_contactReward is not null)
        {
            double contactCost = ContactCost(data);
            reward -= contactCost;
            _contactReward[env] = (float)-contactCost;
        }

        _xPosition[env] = (float)data.qpos[0];
        _xVelocity[env] = (float)xVelocity;
        terminated = _terminateWhenUnhealthy && !healthy;
        if (CaptionCodes is { } captions) captions[env] = Caption(data, healthy);
        return (float)reward;
    }

    /// <summary>The caption code of the step that led to <paramref name="data"/>; asked only of tasks that declared captions.</summary>
    protected virtual int Caption(MjData data, bool healthy) => StepCaptions.None;

    /// <summary>Copies <paramref name="values"/> from index <paramref name="skip"/> on into the observation at
    /// <paramref name="offset"/>; returns the offset after them.</summary>
    protected static int Append(Span<float> observation, int offset, ReadOnlySpan<double> values, int skip = 0)
    {
        for (int i = skip; i < values.Length; i++) observation[offset++] = (float)values[i];
        return offset;
    }

    /// <summary>As <see cref="Append"/>, with each value clipped to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    protected static int AppendClipped(Span<float> observation, int offset, ReadOnlySpan<double> values, int skip, double min, double max)
    {
        for (int i = skip; i < values.Length; i++) observation[offset++] = (float)Math.Clamp(values[i], min, max);
        return offset;
    }
}
