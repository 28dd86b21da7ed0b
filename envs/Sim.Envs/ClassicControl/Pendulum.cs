using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;

namespace Sim.Envs.ClassicControl;

/// <summary>Gymnasium's Pendulum-v1: swing a torque-limited pendulum up and hold it upright.</summary>
/// <remarks>
/// Observation <c>[cos θ, sin θ, θ̇]</c> with θ = 0 upright; action: a torque in [−2, 2] (larger values are
/// clipped). Reward −(θ² + 0.1 θ̇² + 0.001 u²) on the state before the step, θ normalised to [−π, π); reported
/// per term as <c>reward_angle</c>, <c>reward_velocity</c> and <c>reward_ctrl</c>. Episodes never terminate: the
/// registry's 200-step limit truncates them. The state is double, as in Gymnasium.
/// </remarks>
public sealed class Pendulum : VectorEnv
{
    /// <summary>|θ̇| limit, rad/s.</summary>
    public const double MaxSpeed = 8;

    /// <summary>|u| limit, N·m; actions beyond it are clipped.</summary>
    public const double MaxTorque = 2;

    /// <summary>Seconds per step.</summary>
    public const double Dt = 0.05;

    const double Gravity = 10.0;
    const double Mass = 1;
    const double Length = 1;

    /// <summary>Registry entry: 200-step episodes and no reward threshold, as in Gymnasium.</summary>
    public static EnvSpec Spec { get; } = new("Pendulum-v1", (numEnvs, options) => new Pendulum(numEnvs, options),
        MaxEpisodeSteps: 200);

    readonly double[] _theta, _thetaDot;
    readonly float[] _angleReward, _velocityReward, _ctrlReward;

    /// <summary>Creates <paramref name="numEnvs"/> pendulums; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    public Pendulum(int numEnvs, VectorEnvOptions? options = null)
        : base(numEnvs, new Box([-1f, -1f, (float)-MaxSpeed], [1f, 1f, (float)MaxSpeed]), new Box(1, (float)-MaxTorque, (float)MaxTorque), options)
    {
        _theta = new double[numEnvs];
        _thetaDot = new double[numEnvs];
        _angleReward = AddRewardTerm("angle");
        _velocityReward = AddRewardTerm("velocity");
        _ctrlReward = AddRewardTerm("ctrl");
    }

    /// <summary>Env <paramref name="env"/>'s state: angle from upright (not normalised) and angular velocity.</summary>
    public (double Theta, double ThetaDot) GetState(int env)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        return (_theta[env], _thetaDot[env]);
    }

    /// <summary>Puts env <paramref name="env"/> in a given state (tests, viewers, replays); the next step starts from it,
    /// even if the env was due an autoreset. Not safe to call while <see cref="VectorEnv.Step"/> runs.</summary>
    public void SetState(int env, double theta, double thetaDot)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        StateArguments.CheckFinite(theta, nameof(theta));
        StateArguments.CheckFinite(thetaDot, nameof(thetaDot));
        _theta[env] = theta;
        _thetaDot[env] = thetaDot;
        ResetPending[env] = false;
        WriteObservation(env);
    }

    protected override void SaveEnvState(BinaryWriter writer)
    {
        writer.WriteArray<double>(_theta);
        writer.WriteArray<double>(_thetaDot);
    }

    protected override void LoadEnvState(BinaryReader reader)
    {
        reader.ReadArray<double>(_theta, "Pendulum theta");
        reader.ReadArray<double>(_thetaDot, "Pendulum theta velocity");
    }

    protected override void ResetEnv(int env)
    {
        ref var rng = ref Rngs[env];
        _theta[env] = rng.Uniform(-Math.PI, Math.PI);
        _thetaDot[env] = rng.Uniform(-1, 1);
        WriteObservation(env);
    }

    void WriteObservation(int env)
    {
        double theta = _theta[env];
        int row = env * 3;
        ObservationBuffer[row] = (float)Math.Cos(theta);
        ObservationBuffer[row + 1] = (float)Math.Sin(theta);
        ObservationBuffer[row + 2] = (float)_thetaDot[env];
    }

    protected override void StepRange(int start, int end)
    {
        for (int env = start; env < end; env++)
        {
            double theta = _theta[env], thetaDot = _thetaDot[env];
            double u = Math.Clamp(ActionBuffer[env], -MaxTorque, MaxTorque);
            double angle = NormalizeAngle(theta);
            double angleCost = angle * angle;
            double velocityCost = 0.1 * thetaDot * thetaDot;
            double ctrlCost = 0.001 * (u * u);

            double newThetaDot = thetaDot + (3 * Gravity / (2 * Length) * Math.Sin(theta) + 3.0 / (Mass * Length * Length) * u) * Dt;
            newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
            _theta[env] = theta + newThetaDot * Dt;
            _thetaDot[env] = newThetaDot;
            WriteObservation(env);

            RewardBuffer[env] = (float)-(angleCost + velocityCost + ctrlCost);
            _angleReward[env] = (float)-angleCost;
            _velocityReward[env] = (float)-velocityCost;
            _ctrlReward[env] = (float)-ctrlCost;
        }
    }

    /// <summary>θ mapped to [−π, π) the way Python's floored modulo does it: ((θ + π) mod 2π) − π.</summary>
    internal static double NormalizeAngle(double theta)
    {
        const double TwoPi = 2 * Math.PI;
        double r = (theta + Math.PI) % TwoPi;
        if (r < 0) r += TwoPi;
        return r - Math.PI;
    }
}
