using Sim.Core;
using Sim.Core.Spaces;

namespace Sim.Learning.Tests.Replay;

/// <summary>A deterministic env whose episode ends are known: observation [t, env, episode], one action in [−1, 1],
/// reward 10·t + action; env 0 terminates at t = 3, the others run until a time limit truncates them.</summary>
internal sealed class EpisodeEndingEnv : VectorEnv
{
    public const int ObsSize = 3;
    public const int TerminalStep = 3;

    private readonly int[] _t;
    private readonly int[] _episode;

    public EpisodeEndingEnv(int numEnvs, AutoresetMode mode = AutoresetMode.SameStep)
        : base(numEnvs, Box.Unbounded(ObsSize), new Box(1, -1f, 1f), new VectorEnvOptions { AutoresetMode = mode })
    {
        _t = new int[numEnvs];
        _episode = new int[numEnvs];
        for (int i = 0; i < numEnvs; i++) _episode[i] = -1;
    }

    protected override void ResetEnv(int env)
    {
        _t[env] = 0;
        _episode[env]++;
        Write(env);
    }

    protected override void StepRange(int start, int end)
    {
        for (int env = start; env < end; env++)
        {
            if (ResetPending[env]) continue;
            _t[env]++;
            Write(env);
            RewardBuffer[env] = 10f * _t[env] + ActionBuffer[env];
            TerminatedBuffer[env] = env == 0 && _t[env] == TerminalStep;
        }
    }

    private void Write(int env)
    {
        ObservationBuffer[env * ObsSize] = _t[env];
        ObservationBuffer[env * ObsSize + 1] = env;
        ObservationBuffer[env * ObsSize + 2] = _episode[env];
    }
}
