using Sim.Core.Spaces;

namespace Sim.Core.Tests.Vector;

/// <summary>Test env with simulation state and randomness in every step, for state save and restore tests.</summary>
/// <remarks>
/// Each env holds a position and a step count. A step adds action[0] and a uniform draw in [−0.25, 0.25) from the env's
/// RNG to the position; the observation is [position, steps], the reward −|position| (one reward term, "distance").
/// The episode terminates when |position| &gt; 2. A reset draws the position uniformly in [−1, 1).
/// </remarks>
sealed class DriftEnv : VectorEnv
{
    readonly double[] _position;
    readonly int[] _steps;
    readonly float[] _distance;

    public DriftEnv(int numEnvs, VectorEnvOptions? options = null, bool extraColumn = false)
        : base(numEnvs, Box.Unbounded(2), new Box(2, -1f, 1f), options)
    {
        _position = new double[numEnvs];
        _steps = new int[numEnvs];
        _distance = AddRewardTerm("distance");
        if (extraColumn) Infos.AddValue("extra");
    }

    protected override void ResetEnv(int env)
    {
        _position[env] = Rngs[env].Uniform(-1, 1);
        _steps[env] = 0;
        WriteObservation(env);
    }

    protected override void StepRange(int start, int end)
    {
        for (int env = start; env < end; env++)
        {
            if (ResetPending[env]) continue;
            _position[env] += ActionBuffer[env * 2] + Rngs[env].Uniform(-0.25, 0.25);
            _steps[env]++;
            WriteObservation(env);
            float reward = (float)-Math.Abs(_position[env]);
            RewardBuffer[env] = reward;
            _distance[env] = reward;
            TerminatedBuffer[env] = Math.Abs(_position[env]) > 2;
        }
    }

    void WriteObservation(int env)
    {
        ObservationBuffer[env * 2] = (float)_position[env];
        ObservationBuffer[env * 2 + 1] = _steps[env];
    }

    protected override void SaveEnvState(BinaryWriter writer)
    {
        writer.WriteArray<double>(_position);
        writer.WriteArray<int>(_steps);
    }

    protected override void LoadEnvState(BinaryReader reader)
    {
        reader.ReadArray<double>(_position, "DriftEnv positions");
        reader.ReadArray<int>(_steps, "DriftEnv steps");
    }
}
