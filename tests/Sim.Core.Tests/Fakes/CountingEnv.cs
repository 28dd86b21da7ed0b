using Sim.Core.Spaces;

namespace Sim.Core.Tests.Fakes;

/// <summary>Deterministic test env whose rewards and episode ends are known in closed form.</summary>
/// <remarks>
/// Observation: [t, env, noise], where t counts the steps of the current episode and noise is drawn from
/// the env's RNG (10·u − 5 + 2·env, so components have different means and spreads).
/// Action: Box(2, −1, 1). Reward of a step: action[0] + t (t after the step). Env i terminates when
/// t reaches <see cref="EpisodeLength"/>(i) = baseLength + i mod 3, or never when baseLength is 0.
/// </remarks>
sealed class CountingEnv : VectorEnv
{
    public const int ObsSize = 3;
    public const int ActSize = 2;

    readonly int[] _t;
    readonly int _baseLength;

    public CountingEnv(int numEnvs, AutoresetMode mode, int baseLength = 3, int threads = 1)
        : base(numEnvs, Box.Unbounded(ObsSize), new Box(ActSize, -1f, 1f),
            new VectorEnvOptions { AutoresetMode = mode, NumThreads = threads })
    {
        _baseLength = baseLength;
        _t = new int[numEnvs];
    }

    /// <summary>Steps after which env <paramref name="env"/> terminates, or 0 for never.</summary>
    public int EpisodeLength(int env) => _baseLength == 0 ? 0 : _baseLength + env % 3;

    /// <summary>The actions the env last received.</summary>
    public ReadOnlySpan<float> ReceivedActions => ActionBuffer;

    protected override void ResetEnv(int env)
    {
        _t[env] = 0;
        WriteObservation(env);
    }

    protected override void StepRange(int start, int end)
    {
        for (int env = start; env < end; env++)
        {
            if (ResetPending[env]) continue;
            _t[env]++;
            WriteObservation(env);
            RewardBuffer[env] = ActionBuffer[env * ActSize] + _t[env];
            int length = EpisodeLength(env);
            TerminatedBuffer[env] = length > 0 && _t[env] >= length;
        }
    }

    void WriteObservation(int env)
    {
        var row = ObservationBuffer.AsSpan(env * ObsSize, ObsSize);
        row[0] = _t[env];
        row[1] = env;
        row[2] = 10f * Rngs[env].NextFloat() - 5f + 2f * env;
    }
}
