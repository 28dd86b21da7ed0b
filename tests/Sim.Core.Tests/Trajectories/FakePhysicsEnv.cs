using Sim.Core.Spaces;

namespace Sim.Core.Tests.Trajectories;

/// <summary>Test env with a one-dimensional point mass as its "physics", and a log of what it produced.</summary>
/// <remarks>
/// State = [time, pos, vel]; observation = [env, episode, step, pos] so every row says where it came from;
/// actions are 2-D; reward = progress term (pos) + ctrl term (-0.1·|a|²). Episode <c>e</c> of env <c>i</c> lasts
/// <see cref="EpisodeLength"/> steps and ends terminated or (as a divergence would) truncated by the env itself.
/// </remarks>
sealed class FakePhysicsEnv : VectorEnv, IPhysicsState
{
    public const double Dt = 0.05;

    readonly int[] _step, _episode;
    readonly double[] _pos, _vel, _finalStates;
    readonly float[] _progress, _ctrl;
    readonly bool _providesFinalState;
    readonly List<EpisodeLog>[] _closed;
    readonly EpisodeLog?[] _current;

    public FakePhysicsEnv(int numEnvs, AutoresetMode mode, bool providesFinalState = true, int threads = 1)
        : base(numEnvs, Box.Unbounded(4), new Box(2, -1f, 1f), new VectorEnvOptions { AutoresetMode = mode, NumThreads = threads })
    {
        _step = new int[numEnvs];
        _episode = Enumerable.Repeat(-1, numEnvs).ToArray();
        _pos = new double[numEnvs];
        _vel = new double[numEnvs];
        _finalStates = new double[numEnvs * 3];
        _progress = AddRewardTerm("progress");
        _ctrl = AddRewardTerm("ctrl");
        _providesFinalState = providesFinalState;
        _closed = Enumerable.Range(0, numEnvs).Select(_ => new List<EpisodeLog>()).ToArray();
        _current = new EpisodeLog?[numEnvs];
    }

    /// <summary>What the env itself saw of one episode.</summary>
    public sealed class EpisodeLog(int episode)
    {
        public int Episode { get; } = episode;
        public List<float> Rewards { get; } = new();
        public List<float[]> Actions { get; } = new();
        public float[] LastObservation { get; set; } = [];
        public double[] LastState { get; set; } = [];
        public bool EndedByEnv { get; set; }
    }

    public static int EpisodeLength(int env, int episode) => 2 + (3 * env + episode) % 5;

    public static bool EndsTerminated(int env, int episode) => (env + episode) % 2 == 0;

    /// <summary>Episodes of <paramref name="env"/> so far, the one in progress included.</summary>
    public IReadOnlyList<EpisodeLog> Episodes(int env) =>
        _current[env] is { } current ? [.. _closed[env], current] : _closed[env];

    protected override void ResetEnv(int env)
    {
        if (_providesFinalState) GetPhysicsState(env, _finalStates.AsSpan(env * 3, 3));
        if (_current[env] is { } previous) _closed[env].Add(previous);
        _episode[env]++;
        _current[env] = new EpisodeLog(_episode[env]);
        _step[env] = 0;
        _pos[env] = Rngs[env].NextFloat() * 2.0 - 1.0;
        _vel[env] = 0;
        WriteObservation(env);
    }

    protected override void StepRange(int start, int end)
    {
        for (int env = start; env < end; env++)
        {
            if (ResetPending[env]) continue;
            float a0 = ActionBuffer[env * 2], a1 = ActionBuffer[env * 2 + 1];
            _vel[env] += a0 * 0.5 + a1 * 0.25;
            _pos[env] += _vel[env] * Dt;
            _step[env]++;
            _progress[env] = (float)_pos[env];
            _ctrl[env] = -0.1f * (a0 * a0 + a1 * a1);
            RewardBuffer[env] = _progress[env] + _ctrl[env];
            WriteObservation(env);

            var log = _current[env]!;
            log.Rewards.Add(RewardBuffer[env]);
            log.Actions.Add([a0, a1]);
            if (_step[env] == EpisodeLength(env, _episode[env]))
            {
                if (EndsTerminated(env, _episode[env])) TerminatedBuffer[env] = true;
                else TruncatedBuffer[env] = true;
                log.EndedByEnv = true;
            }
        }
    }

    void WriteObservation(int env)
    {
        var row = ObservationBuffer.AsSpan(env * 4, 4);
        row[0] = env;
        row[1] = _episode[env];
        row[2] = _step[env];
        row[3] = (float)_pos[env];
        var log = _current[env]!;
        log.LastObservation = row.ToArray();
        log.LastState = [_step[env] * Dt, _pos[env], _vel[env]];
    }

    public int PhysicsStateSize => 3;

    public void GetPhysicsState(int env, Span<double> destination)
    {
        destination[0] = _step[env] * Dt;
        destination[1] = _pos[env];
        destination[2] = _vel[env];
    }

    public void SetPhysicsState(int env, ReadOnlySpan<double> state)
    {
        _step[env] = (int)Math.Round(state[0] / Dt);
        _pos[env] = state[1];
        _vel[env] = state[2];
        WriteObservation(env);
    }

    public bool TryGetFinalPhysicsState(int env, Span<double> destination)
    {
        if (!_providesFinalState) return false;
        if (AutoresetMode == AutoresetMode.NextStep) GetPhysicsState(env, destination);
        else _finalStates.AsSpan(env * 3, 3).CopyTo(destination);
        return true;
    }
}
