using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;

namespace Sim.Envs.ClassicControl;

/// <summary>Gymnasium's Acrobot-v1: swing a two-link chain, actuated at the elbow only, until its tip is a link
/// length above the shoulder.</summary>
/// <remarks>
/// Observation <c>[cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]</c>; action 0, 1, 2 applies torque −1, 0, +1 at the
/// elbow. Dynamics are Gymnasium's "book" equations (Sutton and Barto) integrated with one RK4 step of 0.2 s;
/// angles wrap to [−π, π] and velocities clip to 4π and 9π. Reward −1 per step (<c>reward_time</c>) and 0 on the
/// step that reaches the goal, which terminates the episode. The state is double, as in Gymnasium.
/// </remarks>
public sealed class Acrobot : VectorEnv
{
    /// <summary>Seconds per step (one RK4 step).</summary>
    public const double Dt = 0.2;

    /// <summary>|θ̇1| limit.</summary>
    public const double MaxVelocity1 = 4 * Math.PI;

    /// <summary>|θ̇2| limit.</summary>
    public const double MaxVelocity2 = 9 * Math.PI;

    const double LinkLength1 = 1.0;
    const double LinkMass1 = 1.0;
    const double LinkMass2 = 1.0;
    const double LinkCom1 = 0.5;
    const double LinkCom2 = 0.5;
    const double LinkMoment = 1.0;
    const double Gravity = 9.8;

    /// <summary>Registry entry: 500-step episodes, solved at an average return of −100.</summary>
    public static EnvSpec Spec { get; } = new("Acrobot-v1", (numEnvs, options) => new Acrobot(numEnvs, options),
        MaxEpisodeSteps: 500, RewardThreshold: -100);

    readonly double[] _theta1, _theta2, _theta1Dot, _theta2Dot;
    readonly float[] _timeReward;

    /// <summary>Creates <paramref name="numEnvs"/> acrobots; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    public Acrobot(int numEnvs, VectorEnvOptions? options = null)
        : base(numEnvs, ObservationBox(), new Discrete(3), options)
    {
        _theta1 = new double[numEnvs];
        _theta2 = new double[numEnvs];
        _theta1Dot = new double[numEnvs];
        _theta2Dot = new double[numEnvs];
        _timeReward = AddRewardTerm("time");
    }

    static Box ObservationBox()
    {
        float v1 = (float)MaxVelocity1, v2 = (float)MaxVelocity2;
        return new Box([-1f, -1f, -1f, -1f, -v1, -v2], [1f, 1f, 1f, 1f, v1, v2]);
    }

    /// <summary>Env <paramref name="env"/>'s state: shoulder and elbow angles (θ1 = 0 hanging down, θ2 relative to link 1)
    /// and their velocities.</summary>
    public (double Theta1, double Theta2, double Theta1Dot, double Theta2Dot) GetState(int env)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        return (_theta1[env], _theta2[env], _theta1Dot[env], _theta2Dot[env]);
    }

    /// <summary>Puts env <paramref name="env"/> in a given state (tests, viewers, replays); the next step starts from it,
    /// even if the env was due an autoreset. Not safe to call while <see cref="VectorEnv.Step"/> runs.</summary>
    public void SetState(int env, double theta1, double theta2, double theta1Dot, double theta2Dot)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        StateArguments.CheckFinite(theta1, nameof(theta1));
        StateArguments.CheckFinite(theta2, nameof(theta2));
        StateArguments.CheckFinite(theta1Dot, nameof(theta1Dot));
        StateArguments.CheckFinite(theta2Dot, nameof(theta2Dot));
        _theta1[env] = theta1;
        _theta2[env] = theta2;
        _theta1Dot[env] = theta1Dot;
        _theta2Dot[env] = theta2Dot;
        ResetPending[env] = false;
        WriteObservation(env);
    }

    protected override void SaveEnvState(BinaryWriter writer)
    {
        writer.WriteArray<double>(_theta1);
        writer.WriteArray<double>(_theta2);
        writer.WriteArray<double>(_theta1Dot);
        writer.WriteArray<double>(_theta2Dot);
    }

    protected override void LoadEnvState(BinaryReader reader)
    {
        reader.ReadArray<double>(_theta1, "Acrobot theta1");
        reader.ReadArray<double>(_theta2, "Acrobot theta2");
        reader.ReadArray<double>(_theta1Dot, "Acrobot theta1 velocity");
        reader.ReadArray<double>(_theta2Dot, "Acrobot theta2 velocity");
    }

    protected override void ResetEnv(int env)
    {
        // Gymnasium draws the initial state as float32, so the values are rounded to float before the first step.
        ref var rng = ref Rngs[env];
        _theta1[env] = (float)rng.Uniform(-0.1, 0.1);
        _theta2[env] = (float)rng.Uniform(-0.1, 0.1);
        _theta1Dot[env] = (float)rng.Uniform(-0.1, 0.1);
        _theta2Dot[env] = (float)rng.Uniform(-0.1, 0.1);
        WriteObservation(env);
    }

    void WriteObservation(int env)
    {
        var obs = ObservationBuffer.AsSpan(env * 6, 6);
        double theta1 = _theta1[env], theta2 = _theta2[env];
        obs[0] = (float)Math.Cos(theta1);
        obs[1] = (float)Math.Sin(theta1);
        obs[2] = (float)Math.Cos(theta2);
        obs[3] = (float)Math.Sin(theta2);
        obs[4] = (float)_theta1Dot[env];
        obs[5] = (float)_theta2Dot[env];
    }

    protected override void StepRange(int start, int end)
    {
        for (int env = start; env < end; env++)
        {
            // An RK4 step costs a few hundred nanoseconds, so envs about to be reset are worth skipping.
            if (ResetPending[env]) continue;
            double torque = ActionBuffer[env] - 1.0;
            double t1 = _theta1[env], t2 = _theta2[env], v1 = _theta1Dot[env], v2 = _theta2Dot[env];

            const double half = Dt / 2.0;
            Accelerations(t1, t2, v1, v2, torque, out double a1k1, out double a2k1);
            double t1b = t1 + half * v1, t2b = t2 + half * v2, v1b = v1 + half * a1k1, v2b = v2 + half * a2k1;
            Accelerations(t1b, t2b, v1b, v2b, torque, out double a1k2, out double a2k2);
            double t1c = t1 + half * v1b, t2c = t2 + half * v2b, v1c = v1 + half * a1k2, v2c = v2 + half * a2k2;
            Accelerations(t1c, t2c, v1c, v2c, torque, out double a1k3, out double a2k3);
            double t1d = t1 + Dt * v1c, t2d = t2 + Dt * v2c, v1d = v1 + Dt * a1k3, v2d = v2 + Dt * a2k3;
            Accelerations(t1d, t2d, v1d, v2d, torque, out double a1k4, out double a2k4);

            // Same grouping as Gymnasium's y0 + dt/6 (k1 + 2 k2 + 2 k3 + k4); a position's derivative is the velocity.
            const double sixth = Dt / 6.0;
            t1 += sixth * (v1 + 2 * v1b + 2 * v1c + v1d);
            t2 += sixth * (v2 + 2 * v2b + 2 * v2c + v2d);
            v1 += sixth * (a1k1 + 2 * a1k2 + 2 * a1k3 + a1k4);
            v2 += sixth * (a2k1 + 2 * a2k2 + 2 * a2k3 + a2k4);

            t1 = Wrap(t1);
            t2 = Wrap(t2);
            v1 = Math.Min(Math.Max(v1, -MaxVelocity1), MaxVelocity1);
            v2 = Math.Min(Math.Max(v2, -MaxVelocity2), MaxVelocity2);
            _theta1[env] = t1;
            _theta2[env] = t2;
            _theta1Dot[env] = v1;
            _theta2Dot[env] = v2;
            WriteObservation(env);

            bool terminated = -Math.Cos(t1) - Math.Cos(t2 + t1) > 1.0;
            float reward = terminated ? 0f : -1f;
            RewardBuffer[env] = reward;
            _timeReward[env] = reward;
            TerminatedBuffer[env] = terminated;
        }
    }

    // Sutton and Barto's acrobot equations (the "book" variant, with the θ̇1² term in θ̈2), in Gymnasium's order of
    // operations so that results agree to the last bit where the libm does.
    static void Accelerations(double theta1, double theta2, double dTheta1, double dTheta2, double torque,
        out double ddTheta1, out double ddTheta2)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkCom1, lc2 = LinkCom2;
        const double i1 = LinkMoment, i2 = LinkMoment, g = Gravity;
        double cos2 = Math.Cos(theta2), sin2 = Math.Sin(theta2);
        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + i2;
        double phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * (dTheta2 * dTheta2) * sin2 - 2 * m2 * l1 * lc2 * dTheta2 * dTheta1 * sin2
            + (m1 * lc1 + m2 * l1) * g * Math.Cos(theta1 - Math.PI / 2) + phi2;
        ddTheta2 = (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * (dTheta1 * dTheta1) * sin2 - phi2) / (m2 * (lc2 * lc2) + i2 - d2 * d2 / d1);
        ddTheta1 = -(d2 * ddTheta2 + phi1) / d1;
    }

    // Gymnasium's wrap: shift by whole turns into [−π, π]; a step moves an angle by well under a turn, so this loops once at most.
    static double Wrap(double angle)
    {
        const double TwoPi = 2 * Math.PI;
        while (angle > Math.PI) angle -= TwoPi;
        while (angle < -Math.PI) angle += TwoPi;
        return angle;
    }
}
