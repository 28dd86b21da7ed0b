using Sim.Core;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;

namespace Sim.Viewer.Interactive;

/// <summary>A vector env run live for the viewer, with no window: it steps every env with an <see cref="IActionSource"/>,
/// keeps each env's episode statistics and reward terms, and remembers the last <see cref="HistoryCapacity"/> steps (physics
/// states or observations, and the statistics) so a paused viewer can step backwards through them.</summary>
/// <remarks>The history only shows the past; the envs themselves are never rewound (their observations, time limits and
/// random streams would no longer match), so running again continues from the newest step.</remarks>
public sealed class LiveSimulation : IDisposable
{
    readonly IActionSource _actions;
    readonly ILearnedRewardSource? _learned;
    readonly IPhysicsState? _physics;
    readonly int _obsSize;
    readonly int _actSize;
    readonly float[] _observations;
    readonly float[] _actionBuffer;
    readonly float[] _learnedRewards;
    readonly float[][] _termColumns;
    readonly EnvStats[] _stats;
    // Ring of the last HistoryCapacity frames; frame f lives in slot (_newest - back) mod capacity.
    readonly double[] _historyStates;
    readonly float[] _historyObservations;
    readonly EnvStats[] _historyStats;
    readonly float[] _historyTerms;
    readonly int[] _historyCaptions;
    readonly StepCaptions? _captions;
    int _newest = -1;
    ulong _seed;

    /// <summary>Runs <paramref name="env"/> (any autoreset mode; same-step keeps the newest frame the new episode's start)
    /// with <paramref name="actions"/>, resetting it with <paramref name="seed"/>.</summary>
    /// <param name="envId">The env id, for the overlay and the stage.</param>
    /// <param name="env">The envs to run; disposed with this object.</param>
    /// <param name="actions">Chooses actions; disposed with this object.</param>
    /// <param name="learned">Optional learned reward shown next to the true one; disposed with this object.</param>
    /// <param name="seed">Env i is seeded with seed + i.</param>
    /// <param name="historyCapacity">Steps remembered for stepping backwards.</param>
    public LiveSimulation(string envId, IVectorEnv env, IActionSource actions, ILearnedRewardSource? learned, ulong seed, int historyCapacity = 1000)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(actions);
        if (historyCapacity < 1) throw new ArgumentOutOfRangeException(nameof(historyCapacity), historyCapacity, "expected room for at least one step of history");
        EnvId = envId;
        Env = env;
        _actions = actions;
        _learned = learned;
        _seed = seed;
        _physics = Innermost(env) as IPhysicsState;
        NumEnvs = env.NumEnvs;
        _obsSize = env.SingleObservationSpace.FlatSize;
        _actSize = env.SingleActionSpace.FlatSize;
        _observations = new float[NumEnvs * _obsSize];
        _actionBuffer = new float[NumEnvs * _actSize];
        _learnedRewards = new float[NumEnvs];
        // Terms Gymnasium names without the prefix (distance_penalty) keep their whole key.
        RewardTerms = env.Infos.RewardTerms
            .Select(k => k.StartsWith(StepInfos.RewardPrefix, StringComparison.Ordinal) ? k[StepInfos.RewardPrefix.Length..] : k).ToArray();
        _termColumns = env.Infos.RewardTerms.Select(env.Infos.Value).ToArray();
        _stats = new EnvStats[NumEnvs];
        HistoryCapacity = historyCapacity;
        int stateSize = PhysicsStateSize;
        _historyStates = new double[historyCapacity * NumEnvs * stateSize];
        _historyObservations = new float[historyCapacity * NumEnvs * _obsSize];
        _historyStats = new EnvStats[historyCapacity * NumEnvs];
        _historyTerms = new float[historyCapacity * NumEnvs * RewardTerms.Count];
        _captions = env.Infos.Captions;
        _historyCaptions = new int[_captions is null ? 0 : historyCapacity * NumEnvs];
        Reset(seed);
    }

    /// <summary>Builds <paramref name="numEnvs"/> envs of <paramref name="envId"/> from the registry (same-step autoreset) and
    /// runs them; actions outside a Box action space are clipped to it.</summary>
    /// <exception cref="KeyNotFoundException">The env id is not registered; the message lists the known ids.</exception>
    public static LiveSimulation Create(string envId, int numEnvs, ulong seed, Func<IVectorEnv, IActionSource>? actions = null,
        Func<IVectorEnv, ILearnedRewardSource?>? learned = null, IReadOnlyDictionary<string, string>? envArgs = null)
    {
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"--num-envs = {numEnvs}: expected at least 1");
        IVectorEnv env = Envs.Envs.Make(envId, numEnvs, seed, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep }, envArgs);
        IActionSource? source = null;
        try
        {
            // ClipAction exposes an unbounded Box, so random actions are drawn from the env's own space.
            var actionSpace = env.SingleActionSpace;
            if (actionSpace is Box) env = new ClipAction(env);
            source = actions?.Invoke(env) ?? new RandomActionSource(actionSpace, seed);
            return new LiveSimulation(envId, env, source, learned?.Invoke(env), seed) { EnvArgs = envArgs ?? new Dictionary<string, string>() };
        }
        catch
        {
            source?.Dispose();
            env.Dispose();
            throw;
        }
    }

    static IVectorEnv Innermost(IVectorEnv env)
    {
        while (env is VectorEnvWrapper wrapper) env = wrapper.Inner;
        return env;
    }

    /// <summary>The env id run.</summary>
    public string EnvId { get; }

    /// <summary>The keyword arguments the envs were built with (none for the env's defaults).</summary>
    public IReadOnlyDictionary<string, string> EnvArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>The envs run.</summary>
    public IVectorEnv Env { get; }

    /// <summary>Number of envs.</summary>
    public int NumEnvs { get; }

    /// <summary>What chooses the actions.</summary>
    public string ActionDescription => _actions.Description;

    /// <summary>The learned reward's name, or null when none is shown.</summary>
    public string? LearnedRewardName => _learned?.Name;

    /// <summary>Names of the env's reward terms, without the <c>reward_</c> prefix.</summary>
    public IReadOnlyList<string> RewardTerms { get; }

    /// <summary>Doubles per physics state, or 0 when the env has none (classic control).</summary>
    public int PhysicsStateSize => _physics?.PhysicsStateSize ?? 0;

    /// <summary>Simulated seconds per step: the MuJoCo env's dt, or 1/50 s for envs that do not say.</summary>
    public double StepSeconds => _physics is MuJoCoVectorEnv mujoco ? mujoco.Dt : 0.02;

    /// <summary>Vector steps taken since the last reset.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>Steps remembered for stepping backwards.</summary>
    public int HistoryCapacity { get; }

    /// <summary>Frames in the history, the newest (the live state) included: at most <see cref="HistoryCapacity"/>.</summary>
    public int HistoryCount { get; private set; }

    /// <summary>Resets every env (with <paramref name="seed"/>, or the next seed when null) and clears the history.</summary>
    public void Reset(ulong? seed = null)
    {
        _seed = seed ?? unchecked(_seed + (ulong)NumEnvs);
        Env.Reset(_seed);
        Array.Fill(_stats, new EnvStats(0, 0, 0, _learned is null ? float.NaN : 0, 0, 0, double.NaN));
        TotalSteps = 0;
        HistoryCount = 0;
        _newest = -1;
        Push(zeroTerms: true);
    }

    /// <summary>Steps every env once with the action source's actions and records the frame.</summary>
    public void Step()
    {
        Env.Observations.CopyTo(_observations);
        _actions.Act(_observations, NumEnvs, _actionBuffer);
        _learned?.Rewards(_observations, _actionBuffer, _learnedRewards);
        Env.Step(_actionBuffer);
        var rewards = Env.Rewards;
        var terminated = Env.Terminated;
        var truncated = Env.Truncated;
        for (int i = 0; i < NumEnvs; i++)
        {
            var s = _stats[i];
            float learned = _learned is null ? float.NaN : _learnedRewards[i];
            s = s with
            {
                Step = s.Step + 1,
                Return = s.Return + rewards[i],
                Reward = rewards[i],
                LearnedReward = learned,
                LearnedReturn = s.LearnedReturn + (_learned is null ? 0 : learned),
            };
            if (terminated[i] || truncated[i])
                s = s with { Step = 0, Return = 0, LearnedReturn = 0, Episodes = s.Episodes + 1, LastEpisodeReturn = s.Return };
            _stats[i] = s;
        }
        TotalSteps++;
        Push(zeroTerms: false);
    }

    void Push(bool zeroTerms)
    {
        _newest = (_newest + 1) % HistoryCapacity;
        HistoryCount = Math.Min(HistoryCount + 1, HistoryCapacity);
        int stateSize = PhysicsStateSize;
        for (int i = 0; i < NumEnvs; i++)
        {
            int slot = _newest * NumEnvs + i;
            if (_physics != null) _physics.GetPhysicsState(i, _historyStates.AsSpan(slot * stateSize, stateSize));
            _historyStats[slot] = _stats[i];
            for (int t = 0; t < RewardTerms.Count; t++) _historyTerms[slot * RewardTerms.Count + t] = zeroTerms ? 0 : _termColumns[t][i];
            if (_captions is not null) _historyCaptions[slot] = zeroTerms ? StepCaptions.None : _captions.Codes[i];
        }
        Env.Observations.CopyTo(_historyObservations.AsSpan(_newest * NumEnvs * _obsSize, NumEnvs * _obsSize));
    }

    int Slot(int back, int env)
    {
        if ((uint)back >= (uint)HistoryCount)
            throw new ArgumentOutOfRangeException(nameof(back), back, $"history step {back} back does not exist: expected 0..{HistoryCount - 1}");
        if ((uint)env >= (uint)NumEnvs) throw new ArgumentOutOfRangeException(nameof(env), env, $"env {env} does not exist: expected 0..{NumEnvs - 1}");
        return ((_newest - back + HistoryCapacity) % HistoryCapacity) * NumEnvs + env;
    }

    /// <summary>The physics state of env <paramref name="env"/> <paramref name="back"/> steps ago (0: now).</summary>
    public ReadOnlySpan<double> PhysicsState(int back, int env)
    {
        if (_physics is null) throw new InvalidOperationException($"{EnvId} has no physics state: it is drawn from observations");
        int stateSize = PhysicsStateSize;
        return _historyStates.AsSpan(Slot(back, env) * stateSize, stateSize);
    }

    /// <summary>The raw observation of env <paramref name="env"/> <paramref name="back"/> steps ago (0: now).</summary>
    public ReadOnlySpan<float> Observation(int back, int env) => _historyObservations.AsSpan(Slot(back, env) * _obsSize, _obsSize);

    /// <summary>The statistics of env <paramref name="env"/> <paramref name="back"/> steps ago (0: now).</summary>
    public EnvStats Stats(int back, int env) => _historyStats[Slot(back, env)];

    /// <summary>Reward term <paramref name="term"/> of the step that led to the frame <paramref name="back"/> steps ago.</summary>
    public float RewardTerm(int back, int env, int term) => _historyTerms[Slot(back, env) * RewardTerms.Count + term];

    /// <summary>Whether the env emits event captions (<see cref="StepInfos.Captions"/>).</summary>
    public bool HasCaptions => _captions is not null;

    /// <summary>The event caption of the step that led to the frame <paramref name="back"/> steps ago; empty when it had none.</summary>
    public string Caption(int back, int env) => _captions?.TextOf(_historyCaptions[Slot(back, env)]) ?? "";

    /// <summary>Disposes the env and the action and reward sources.</summary>
    public void Dispose()
    {
        _learned?.Dispose();
        _actions.Dispose();
        Env.Dispose();
    }
}
