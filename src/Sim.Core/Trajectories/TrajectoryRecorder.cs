using Sim.Core.Wrappers;

namespace Sim.Core.Trajectories;

/// <summary>Records the episodes of some or all sub-envs of a vector env as <see cref="Trajectory"/> objects, one per episode.</summary>
/// <remarks>
/// Call <see cref="RecordReset"/> after every <see cref="IVectorEnv.Reset"/> and <see cref="RecordStep"/> after every
/// <see cref="IVectorEnv.Step"/> (on the outermost wrapper, so that time-limit truncations are seen). Episodes are
/// split from the env's flags, so both autoreset modes give the same trajectories:
/// <list type="bullet">
/// <item>a step with Terminated or Truncated ends the episode; its last observation comes from
/// <see cref="IVectorEnv.FinalObservations"/>;</item>
/// <item>EpisodeStarted without an end flag is a next-step reset: it holds no transition and only starts the next episode;</item>
/// <item>EpisodeStarted with an end flag is a same-step reset: the step ends one episode and the current
/// observation already starts the next.</item>
/// </list>
/// When the env (or an env inside the wrapper chain) implements <see cref="IPhysicsState"/>, the physics state at
/// every observation row is recorded too. Per-env buffers grow by doubling and are reused, so a step allocates
/// nothing once they are large enough; each finished episode allocates its exact-size arrays.
/// </remarks>
public sealed class TrajectoryRecorder
{
    readonly IVectorEnv _env;
    readonly IPhysicsState? _physics;
    readonly int[] _envs;
    readonly EpisodeBuffer[] _buffers;
    readonly ulong?[] _seeds;
    readonly int[] _episodesStarted;
    readonly string[] _rewardTermNames;
    readonly float[][] _rewardTermColumns;
    readonly StepCaptions? _captions;
    readonly int _observationSize, _actionSize, _physicsStateSize;
    readonly float[] _observationScratch;
    readonly double[] _physicsScratch;
    readonly List<Trajectory> _completed = new();
    bool _hasReset;

    /// <summary>Records the sub-envs <paramref name="envIndices"/> (all when null) of <paramref name="env"/>, labelled
    /// <paramref name="envId"/> and built with the keyword arguments <paramref name="envArgs"/> (none when null); physics
    /// states are recorded when available unless <paramref name="recordPhysicsState"/> is false.</summary>
    public TrajectoryRecorder(IVectorEnv env, string envId, IReadOnlyList<int>? envIndices = null, bool recordPhysicsState = true,
        IReadOnlyDictionary<string, string>? envArgs = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrEmpty(envId);
        _env = env;
        EnvId = envId;
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, text) in envArgs ?? new Dictionary<string, string>()) args[key] = text;
        EnvArgs = args;
        _envs = envIndices?.ToArray() ?? Enumerable.Range(0, env.NumEnvs).ToArray();
        if (_envs.Length == 0) throw new ArgumentException("envIndices is empty: expected at least one env to record", nameof(envIndices));
        var seen = new HashSet<int>();
        foreach (int i in _envs)
        {
            if ((uint)i >= (uint)env.NumEnvs)
                throw new ArgumentOutOfRangeException(nameof(envIndices), i, $"env index {i} is out of range: expected [0, {env.NumEnvs - 1}]");
            if (!seen.Add(i)) throw new ArgumentException($"env index {i} is listed twice in envIndices", nameof(envIndices));
        }

        _observationSize = env.SingleObservationSpace.FlatSize;
        _actionSize = env.SingleActionSpace.FlatSize;
        _physics = recordPhysicsState ? FindPhysicsState(env) : null;
        _physicsStateSize = _physics?.PhysicsStateSize ?? 0;
        _rewardTermNames = env.Infos.RewardTerms.ToArray();
        _rewardTermColumns = _rewardTermNames.Select(env.Infos.Value).ToArray();
        _captions = env.Infos.Captions;
        _buffers = _envs.Select(_ => new EpisodeBuffer()).ToArray();
        _seeds = new ulong?[_envs.Length];
        _episodesStarted = new int[_envs.Length];
        _observationScratch = new float[_observationSize];
        _physicsScratch = new double[_physicsStateSize];
    }

    /// <summary>The id stored in every trajectory.</summary>
    public string EnvId { get; }

    /// <summary>The env's keyword arguments, stored in every trajectory so that replay rebuilds the same env.</summary>
    public IReadOnlyDictionary<string, string> EnvArgs { get; }

    /// <summary>Indices of the recorded sub-envs.</summary>
    public IReadOnlyList<int> RecordedEnvs => _envs;

    /// <summary>Whether physics states are recorded.</summary>
    public bool RecordsPhysicsState => _physics != null;

    /// <summary>Finished episodes and segments, in the order they ended.</summary>
    public IReadOnlyList<Trajectory> Completed => _completed;

    /// <summary>Returns the finished trajectories and forgets them, e.g. to write them to a file.</summary>
    public List<Trajectory> TakeCompleted()
    {
        var taken = new List<Trajectory>(_completed);
        _completed.Clear();
        return taken;
    }

    /// <summary>Call after <see cref="IVectorEnv.Reset"/> with the same <paramref name="seed"/>. Episodes in progress
    /// are kept as segments without an end flag, and every recorded env starts a new episode.</summary>
    public void RecordReset(ulong? seed = null)
    {
        for (int k = 0; k < _envs.Length; k++)
        {
            if (_buffers[k].InProgress) Finish(k);
            if (seed is ulong s)
            {
                _seeds[k] = unchecked(s + (ulong)_envs[k]);
                _episodesStarted[k] = 0;
            }
            BeginEpisode(k);
        }
        _hasReset = true;
    }

    /// <summary>Call after <see cref="IVectorEnv.Step"/> with the actions that were passed to it (<c>NumEnvs × action size</c>).</summary>
    public void RecordStep(ReadOnlySpan<float> actions)
    {
        if (!_hasReset) throw new InvalidOperationException("RecordStep was called before RecordReset: call RecordReset after the env's Reset");
        if (actions.Length != _env.NumEnvs * _actionSize)
            throw new ArgumentException(
                $"actions has length {actions.Length}, expected {_env.NumEnvs} envs × {_actionSize} = {_env.NumEnvs * _actionSize}", nameof(actions));

        var terminated = _env.Terminated;
        var truncated = _env.Truncated;
        var started = _env.EpisodeStarted;
        for (int k = 0; k < _envs.Length; k++)
        {
            int env = _envs[k];
            bool ended = terminated[env] || truncated[env];
            if (ended || !started[env])
            {
                var buffer = _buffers[k];
                if (!buffer.InProgress)
                    throw new InvalidOperationException(
                        $"env {env} took a step but no episode of it is being recorded: call RecordReset and RecordStep after every Reset and Step");
                AppendTransition(k, env, actions.Slice(env * _actionSize, _actionSize), terminated[env], truncated[env], started[env]);
                if (ended) Finish(k);
            }
            if (started[env])
            {
                // A start without an end seen first means the env was reset outside the recorder's view.
                if (_buffers[k].InProgress) Finish(k);
                BeginEpisode(k);
            }
        }
    }

    /// <summary>Moves every episode in progress into <see cref="Completed"/> as a segment without an end flag; recording
    /// goes on with the next segment of the same episode, starting from the current observation.</summary>
    public void FlushInProgress()
    {
        for (int k = 0; k < _envs.Length; k++)
        {
            var buffer = _buffers[k];
            if (!buffer.InProgress || buffer.Steps == 0) continue;
            int steps = buffer.Steps;
            buffer.Observations.Items.Slice(steps * _observationSize, _observationSize).CopyTo(_observationScratch);
            if (_physicsStateSize > 0) buffer.PhysicsStates.Items.Slice(steps * _physicsStateSize, _physicsStateSize).CopyTo(_physicsScratch);
            int episodeIndex = buffer.EpisodeIndex;
            int nextStep = buffer.FirstStep + steps;
            Finish(k);
            buffer.Begin(episodeIndex, nextStep);
            _observationScratch.CopyTo(buffer.Observations.Append(_observationSize));
            if (_physicsStateSize > 0) _physicsScratch.CopyTo(buffer.PhysicsStates.Append(_physicsStateSize));
        }
    }

    void AppendTransition(int k, int env, ReadOnlySpan<float> action, bool terminated, bool truncated, bool started)
    {
        var buffer = _buffers[k];
        action.CopyTo(buffer.Actions.Append(_actionSize));
        buffer.Rewards.Add(_env.Rewards[env]);
        var terms = buffer.RewardTerms.Append(_rewardTermColumns.Length);
        for (int j = 0; j < terms.Length; j++) terms[j] = _rewardTermColumns[j][env];
        buffer.Terminated.Add(terminated);
        buffer.Truncated.Add(truncated);
        if (_captions is not null) buffer.CaptionCodes.Add(_captions.Codes[env]);

        bool ended = terminated || truncated;
        var observations = ended ? _env.FinalObservations : _env.Observations;
        observations.Slice(env * _observationSize, _observationSize).CopyTo(buffer.Observations.Append(_observationSize));

        if (_physics is null) return;
        if (!(ended && started))
        {
            // Mid-episode, or an end under next-step autoreset: the env still holds the state of this observation.
            _physics.GetPhysicsState(env, buffer.PhysicsStates.Append(_physicsStateSize));
        }
        else if (_physics.TryGetFinalPhysicsState(env, _physicsScratch))
        {
            _physicsScratch.CopyTo(buffer.PhysicsStates.Append(_physicsStateSize));
        }
        // Otherwise a same-step reset has replaced the final state and the trajectory is stored without it.
    }

    void BeginEpisode(int k)
    {
        int env = _envs[k];
        var buffer = _buffers[k];
        buffer.Begin(_episodesStarted[k]++, firstStep: 0);
        _env.Observations.Slice(env * _observationSize, _observationSize).CopyTo(buffer.Observations.Append(_observationSize));
        _physics?.GetPhysicsState(env, buffer.PhysicsStates.Append(_physicsStateSize));
    }

    void Finish(int k)
    {
        var buffer = _buffers[k];
        if (buffer.Steps > 0)
            _completed.Add(buffer.ToTrajectory(EnvId, _envs[k], _seeds[k], _observationSize, _actionSize, _rewardTermNames, _physicsStateSize, _captions, EnvArgs));
        buffer.End();
    }

    static IPhysicsState? FindPhysicsState(IVectorEnv env)
    {
        // Wrappers change observations or episode limits, not the simulation, so the wrapped env's physics is the one to record.
        for (IVectorEnv? current = env; current != null; current = (current as VectorEnvWrapper)?.Inner)
        {
            if (current is IPhysicsState physics) return physics;
        }
        return null;
    }
}
