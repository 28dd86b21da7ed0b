using Sim.Core;
using Sim.Core.Random;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's Humanoid-v5 as <c>Humanoid-v1</c>: a 3D biped learning to walk along +x without falling.</summary>
/// <remarks>
/// Observation (348): <c>qpos[2..]</c> (22), <c>qvel</c> (23), then for the 13 bodies after the world
/// <c>cinert</c> (130) and <c>cvel</c> (78), the actuator forces on the 17 hinge dofs <c>qfrc_actuator[6..]</c>, and
/// <c>cfrc_ext</c> (78). Action: 17 motor controls in [−0.4, 0.4].
/// Reward = forward + healthy − ctrl − contact, where forward is 1.25 × the x velocity of the centre of mass
/// (the mass-weighted mean of the bodies' <c>xipos</c>), healthy is 5 while the torso height qpos[2] is in (1, 2),
/// ctrl = 0.1 Σa² and contact = min(5e-7 Σ cfrc_ext², 10). The episode terminates when the humanoid is unhealthy.
/// Info columns: <c>reward_forward</c>, <c>reward_healthy</c>, <c>reward_ctrl</c>, <c>reward_contact</c> (costs as
/// negative terms that sum to the reward), <c>x_position</c> (qpos[0]) and <c>x_velocity</c> (of the centre of mass).
/// </remarks>
public sealed class Humanoid : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 3 ms per env step.</summary>
    public const int DefaultFrameSkip = 5;

    /// <summary>Registry entry: 1000-step episodes and no reward threshold, as in Gymnasium.</summary>
    public static EnvSpec Spec { get; } = new("Humanoid-v1", (numEnvs, options) => new Humanoid(numEnvs, options),
        MaxEpisodeSteps: 1000);

    const int FreeJointDofs = 6;

    readonly double _forwardRewardWeight, _ctrlCostWeight, _contactCostWeight, _maxContactCost, _healthyReward;
    readonly double _minHealthyZ, _maxHealthyZ, _resetNoiseScale;
    readonly bool _terminateWhenUnhealthy;
    readonly double[] _bodyMass;
    readonly double _totalMass;
    readonly double[] _comXBefore;
    readonly float[] _forwardReward, _healthyRewardTerm, _ctrlReward, _contactReward, _xPosition, _xVelocity;

    /// <summary>Creates <paramref name="numEnvs"/> humanoids with Gymnasium v5's defaults; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="forwardRewardWeight">Weight of the centre of mass's x velocity.</param>
    /// <param name="ctrlCostWeight">Weight of Σa².</param>
    /// <param name="contactCostWeight">Weight of Σ cfrc_ext².</param>
    /// <param name="maxContactCost">Cap of the contact cost.</param>
    /// <param name="healthyReward">Reward per step while healthy.</param>
    /// <param name="terminateWhenUnhealthy">Whether leaving the healthy range ends the episode.</param>
    /// <param name="minHealthyZ">Torso heights above this (exclusive) are healthy.</param>
    /// <param name="maxHealthyZ">Torso heights below this (exclusive) are healthy.</param>
    /// <param name="resetNoiseScale">Half-width of the uniform qpos and qvel noise at reset.</param>
    public Humanoid(
        int numEnvs,
        VectorEnvOptions? options = null,
        double forwardRewardWeight = 1.25,
        double ctrlCostWeight = 0.1,
        double contactCostWeight = 5e-7,
        double maxContactCost = 10.0,
        double healthyReward = 5.0,
        bool terminateWhenUnhealthy = true,
        double minHealthyZ = 1.0,
        double maxHealthyZ = 2.0,
        double resetNoiseScale = 1e-2)
        : this(EnvAssets.LoadModel("humanoid.xml"), numEnvs, options)
    {
        if (!(minHealthyZ < maxHealthyZ))
            throw new ArgumentException($"healthy z range ({minHealthyZ}, {maxHealthyZ}) is empty: expected minHealthyZ < maxHealthyZ");
        if (!(resetNoiseScale >= 0))
            throw new ArgumentOutOfRangeException(nameof(resetNoiseScale), resetNoiseScale, "expected a non-negative noise scale");
        _forwardRewardWeight = forwardRewardWeight;
        _ctrlCostWeight = ctrlCostWeight;
        _contactCostWeight = contactCostWeight;
        _maxContactCost = maxContactCost;
        _healthyReward = healthyReward;
        _terminateWhenUnhealthy = terminateWhenUnhealthy;
        _minHealthyZ = minHealthyZ;
        _maxHealthyZ = maxHealthyZ;
        _resetNoiseScale = resetNoiseScale;
    }

    Humanoid(MjModel model, int numEnvs, VectorEnvOptions? options)
        : base(model, numEnvs, DefaultFrameSkip, Box.Unbounded(ObservationSizeOf(model)), ControlSpace(model), options)
    {
        _bodyMass = model.body_mass.ToArray();
        foreach (double m in _bodyMass) _totalMass += m;
        _comXBefore = new double[numEnvs];
        _forwardReward = AddRewardTerm("forward");
        _healthyRewardTerm = AddRewardTerm("healthy");
        _ctrlReward = AddRewardTerm("ctrl");
        _contactReward = AddRewardTerm("contact");
        _xPosition = Infos.AddValue("x_position");
        _xVelocity = Infos.AddValue("x_velocity");
    }

    static int ObservationSizeOf(MjModel model)
    {
        int bodies = model.nbody - 1;
        return model.nq - 2 + model.nv + bodies * 10 + bodies * 6 + (model.nv - FreeJointDofs) + bodies * 6;
    }

    /// <summary>The action box is the actuators' control ranges, as Gymnasium builds it.</summary>
    static Box ControlSpace(MjModel model)
    {
        var range = model.actuator_ctrlrange;
        var low = new float[model.nu];
        var high = new float[model.nu];
        for (int i = 0; i < low.Length; i++)
        {
            low[i] = (float)range[2 * i];
            high[i] = (float)range[2 * i + 1];
        }
        return new Box(low, high);
    }

    protected override bool NeedsContactForces => true;

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, _resetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, _resetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = 0;
        k = Append(observation, k, data.qpos, 2);
        k = Append(observation, k, data.qvel, 0);
        // Bodies from 1 on: the world body's rows are constant.
        k = Append(observation, k, data.cinert, 10);
        k = Append(observation, k, data.cvel, 6);
        k = Append(observation, k, data.qfrc_actuator, FreeJointDofs);
        Append(observation, k, data.cfrc_ext, 6);
    }

    static int Append(Span<float> observation, int offset, ReadOnlySpan<double> values, int skip)
    {
        for (int i = skip; i < values.Length; i++) observation[offset++] = (float)values[i];
        return offset;
    }

    /// <summary>x of the centre of mass from the bodies' <c>xipos</c> (which, as in Gymnasium, mj_step leaves at the
    /// state before its last integration).</summary>
    double CenterOfMassX(MjData data)
    {
        var xipos = data.xipos;
        double sum = 0;
        for (int b = 0; b < _bodyMass.Length; b++) sum += _bodyMass[b] * xipos[3 * b];
        return sum / _totalMass;
    }

    protected override void BeforeSimulation(int env, MjData data) => _comXBefore[env] = CenterOfMassX(data);

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        double xVelocity = (CenterOfMassX(data) - _comXBefore[env]) / Dt;
        double forward = _forwardRewardWeight * xVelocity;

        double z = data.qpos[2];
        bool healthy = z > _minHealthyZ && z < _maxHealthyZ;
        double healthyReward = healthy ? _healthyReward : 0.0;

        double sumSquaredActions = 0;
        for (int j = 0; j < action.Length; j++) sumSquaredActions += (double)action[j] * action[j];
        double ctrlCost = _ctrlCostWeight * sumSquaredActions;

        double sumSquaredForces = 0;
        foreach (double f in data.cfrc_ext) sumSquaredForces += f * f;
        double contactCost = Math.Min(_contactCostWeight * sumSquaredForces, _maxContactCost);

        _forwardReward[env] = (float)forward;
        _healthyRewardTerm[env] = (float)healthyReward;
        _ctrlReward[env] = (float)-ctrlCost;
        _contactReward[env] = (float)-contactCost;
        _xPosition[env] = (float)data.qpos[0];
        _xVelocity[env] = (float)xVelocity;
        terminated = _terminateWhenUnhealthy && !healthy;
        return (float)(forward + healthyReward - ctrlCost - contactCost);
    }
}
