using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;

namespace Sim.Envs.ClassicControl;

/// <summary>MountainCarContinuous-v1, with the dynamics of Gymnasium's MountainCarContinuous-v0: rock an underpowered car out of a valley to the flag.</summary>
/// <remarks>
/// Observation <c>[position, velocity]</c>; action: a force in [−1, 1] (clipped for the dynamics). Reward −0.1 a²
/// on the action as given (<c>reward_ctrl</c>, as in Gymnasium, which does not clip it there), plus 100 on reaching
/// the flag (<c>reward_goal</c>), which terminates the episode. The state is stored as float32 between steps, as
/// Gymnasium stores it, while a step is computed in double.
/// </remarks>
public sealed class MountainCarContinuous : VectorEnv
{
    /// <summary>Left end of the track; the car stops dead against it.</summary>
    public const double MinPosition = -1.2;

    /// <summary>Right end of the track.</summary>
    public const double MaxPosition = 0.6;

    /// <summary>|velocity| limit.</summary>
    public const double MaxSpeed = 0.07;

    /// <summary>Position of the flag.</summary>
    public const double GoalPosition = 0.45;

    /// <summary>Velocity the car must at least have at the flag.</summary>
    public const double GoalVelocity = 0;

    /// <summary>Bonus for reaching the flag.</summary>
    public const double GoalReward = 100;

    const double Power = 0.0015;

    /// <summary>Registry entry: 999-step episodes, solved at an average return of 90.</summary>
    public static EnvSpec Spec { get; } = new("MountainCarContinuous-v1", (numEnvs, options) => new MountainCarContinuous(numEnvs, options),
        MaxEpisodeSteps: 999, RewardThreshold: 90);

    readonly float[] _position, _velocity;
    readonly float[] _goalReward, _ctrlReward;

    /// <summary>Creates <paramref name="numEnvs"/> cars; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    public MountainCarContinuous(int numEnvs, VectorEnvOptions? options = null)
        : base(numEnvs, new Box([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]), new Box(1, -1f, 1f), options)
    {
        _position = new float[numEnvs];
        _velocity = new float[numEnvs];
        _goalReward = AddRewardTerm("goal");
        _ctrlReward = AddRewardTerm("ctrl");
    }

    /// <summary>Env <paramref name="env"/>'s state.</summary>
    public (float Position, float Velocity) GetState(int env)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        return (_position[env], _velocity[env]);
    }

    /// <summary>Puts env <paramref name="env"/> in a given state (tests, viewers, replays); the next step starts from it,
    /// even if the env was due an autoreset. Not safe to call while <see cref="VectorEnv.Step"/> runs.</summary>
    public void SetState(int env, float position, float velocity)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        StateArguments.CheckFinite(position, nameof(position));
        StateArguments.CheckFinite(velocity, nameof(velocity));
        _position[env] = position;
        _velocity[env] = velocity;
        ResetPending[env] = false;
        WriteObservation(env);
    }

    protected override void SaveEnvState(BinaryWriter writer)
    {
        writer.WriteArray<float>(_position);
        writer.WriteArray<float>(_velocity);
    }

    protected override void LoadEnvState(BinaryReader reader)
    {
        reader.ReadArray<float>(_position, "MountainCarContinuous position");
        reader.ReadArray<float>(_velocity, "MountainCarContinuous velocity");
    }

    protected override void ResetEnv(int env)
    {
        _position[env] = (float)Rngs[env].Uniform(-0.6, -0.4);
        _velocity[env] = 0f;
        WriteObservation(env);
    }

    void WriteObservation(int env)
    {
        ObservationBuffer[env * 2] = _position[env];
        ObservationBuffer[env * 2 + 1] = _velocity[env];
    }

    protected override void StepRange(int start, int end)
    {
        for (int env = start; env < end; env++)
        {
            double action = ActionBuffer[env];
            double force = Math.Min(Math.Max(action, -1.0), 1.0);
            double position = _position[env];
            double velocity = _velocity[env] + (force * Power - 0.0025 * Math.Cos(3 * position));
            velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
            position = Math.Clamp(position + velocity, MinPosition, MaxPosition);
            if (position == MinPosition && velocity < 0) velocity = 0;
            bool terminated = position >= GoalPosition && velocity >= GoalVelocity;

            _position[env] = (float)position;
            _velocity[env] = (float)velocity;
            WriteObservation(env);

            double goal = terminated ? GoalReward : 0;
            double ctrl = -0.1 * (action * action);
            RewardBuffer[env] = (float)(goal + ctrl);
            _goalReward[env] = (float)goal;
            _ctrlReward[env] = (float)ctrl;
            TerminatedBuffer[env] = terminated;
        }
    }
}
