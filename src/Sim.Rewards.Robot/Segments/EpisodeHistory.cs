using Sim.Core;
using Sim.Foundation;
using Sim.Core.Wrappers;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Robot;

/// <summary>The last N episodes of every sub-env of a training vector env, fed step by step, from which random query
/// segments are drawn; a segment never crosses an episode boundary.</summary>
/// <remarks>
/// All storage is allocated in the constructor: N + NumEnvs episode slots of <see cref="EpisodeHistoryOptions.MaxEpisodeSteps"/>
/// rows each (N finished, one in progress per sub-env), recycled oldest first, so recording allocates nothing.
/// Use it either through <see cref="BeginStep(IVectorEnv, IPhysicsState?)"/> / <see cref="EndStep(IVectorEnv, ReadOnlySpan{float})"/>
/// around each <see cref="IVectorEnv.Step"/>, or per sub-env through <see cref="AddTransition"/>. Only finished episodes
/// (and finished chunks of over-long ones) are sampled. Not thread-safe.
/// </remarks>
public sealed partial class EpisodeHistory : IItemSource<Segment>
{
    sealed class Slot(int capacity, int obs, int act, int phys)
    {
        public readonly float[] Observations = new float[capacity * obs];
        public readonly float[] Actions = new float[capacity * act];
        public readonly float[] Rewards = new float[capacity];
        public readonly double[] PhysicsStates = new double[capacity * phys];
        public readonly int[] CaptionCodes = new int[capacity];
        public int Steps;
        public long Episode;
        public int FirstStep;
        public bool HasPhysics;
    }

    readonly EpisodeHistoryOptions _options;
    readonly int _obs, _act, _phys, _capacity;
    readonly Slot[] _current;
    readonly Slot[] _finished;          // ring, oldest at _finishedStart
    int _finishedStart, _finishedCount;
    readonly Stack<Slot> _free;
    readonly double[] _episodeReturn;   // running true return of each sub-env's episode
    readonly int[] _episodeLength;
    readonly double[] _recentReturns;   // ring of finished whole episodes, for the teachers' thresholds
    readonly int[] _recentLengths;
    int _recentStart, _recentCount;
    long _nextEpisode;
    bool _stepOpen;
    StepCaptions? _captions;

    /// <summary>Allocates the history described by <paramref name="options"/>.</summary>
    public EpisodeHistory(EpisodeHistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _obs = options.ObservationSize;
        _act = options.ActionSize;
        _phys = options.PhysicsStateSize;
        _capacity = options.MaxEpisodeSteps;
        _finished = new Slot[options.MaxEpisodes];
        _free = new Stack<Slot>(options.MaxEpisodes + options.NumEnvs);
        for (int i = 0; i < options.MaxEpisodes; i++) _free.Push(new Slot(_capacity, _obs, _act, _phys));
        _current = new Slot[options.NumEnvs];
        for (int env = 0; env < options.NumEnvs; env++)
        {
            _current[env] = new Slot(_capacity, _obs, _act, _phys) { Episode = _nextEpisode++ };
        }
        _episodeReturn = new double[options.NumEnvs];
        _episodeLength = new int[options.NumEnvs];
        _recentReturns = new double[options.MaxEpisodes];
        _recentLengths = new int[options.MaxEpisodes];
    }

    /// <summary>Steps H in every segment this history returns.</summary>
    public int SegmentLength => _options.SegmentLength;

    /// <summary>Doubles per physics-state row kept; 0 when none are kept.</summary>
    public int PhysicsStateSize => _phys;

    /// <summary>Sub-envs fed into the history.</summary>
    public int NumEnvs => _options.NumEnvs;

    /// <summary>Finished episodes (or chunks) currently kept, at most <see cref="EpisodeHistoryOptions.MaxEpisodes"/>.</summary>
    public int StoredEpisodeCount => _finishedCount;

    /// <summary>Kept episodes with at least H steps, i.e. those segments can be drawn from.</summary>
    public int SampleableEpisodeCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < _finishedCount; i++)
                if (Finished(i).Steps >= SegmentLength) n++;
            return n;
        }
    }

    /// <summary>Episodes finished since the history was created.</summary>
    public long FinishedEpisodeCount { get; private set; }

    /// <summary>Copies every sub-env's current observation (and physics state) as the start of the coming step; call it
    /// right before <see cref="IVectorEnv.Step"/>.</summary>
    /// <param name="env">The vector env about to be stepped.</param>
    /// <param name="physics">Where to read physics states from; by default the env, or the env inside its wrappers, that
    /// implements <see cref="IPhysicsState"/> (see <see cref="FindPhysicsState"/>), when the history keeps physics states.</param>
    public void BeginStep(IVectorEnv env, IPhysicsState? physics = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        CheckEnvCount(env.NumEnvs);
        if (_stepOpen)
            throw new InvalidOperationException("BeginStep was called twice without EndStep: expected BeginStep, Step, EndStep in turn");
        physics ??= _phys > 0 ? FindPhysicsState(env) : null;
        if (physics != null && physics.PhysicsStateSize != _phys)
            throw new ArgumentException(
                $"physics state size is {physics.PhysicsStateSize}: expected {_phys}, the history's {nameof(EpisodeHistoryOptions.PhysicsStateSize)}", nameof(physics));
        var observations = env.Observations;
        CheckLength(observations.Length, _options.NumEnvs * _obs, "observations", "NumEnvs × ObservationSize");
        for (int i = 0; i < _options.NumEnvs; i++)
        {
            var slot = SlotWithRoom(i);
            observations.Slice(i * _obs, _obs).CopyTo(slot.Observations.AsSpan(slot.Steps * _obs, _obs));
            if (physics != null) physics.GetPhysicsState(i, slot.PhysicsStates.AsSpan(slot.Steps * _phys, _phys));
            MarkPhysics(slot, physics != null);
        }
        _stepOpen = true;
    }

    /// <summary>The env itself, or the innermost env under its <see cref="VectorEnvWrapper"/>s, that implements
    /// <see cref="IPhysicsState"/>; null when none does.</summary>
    public static IPhysicsState? FindPhysicsState(IVectorEnv env)
    {
        for (IVectorEnv? current = env; current != null; current = (current as VectorEnvWrapper)?.Inner)
            if (current is IPhysicsState physics) return physics;
        return null;
    }

    /// <summary>Records the step that <see cref="BeginStep"/> started, reading rewards and end flags from <paramref name="env"/>.</summary>
    /// <param name="env">The vector env that was just stepped.</param>
    /// <param name="actions">The actions it was stepped with, <c>NumEnvs × ActionSize</c>.</param>
    /// <param name="trueRewards">The env's own rewards, when <paramref name="env"/>'s <see cref="IVectorEnv.Rewards"/> are not
    /// (e.g. behind a wrapper that substitutes a learned reward); by default <paramref name="env"/>'s rewards.</param>
    /// <remarks>With <see cref="AutoresetMode.NextStep"/>, the step that resets a finished sub-env ignores its action and
    /// is not a transition, so it is not recorded.</remarks>
    public void EndStep(IVectorEnv env, ReadOnlySpan<float> actions, ReadOnlySpan<float> trueRewards = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        CheckEnvCount(env.NumEnvs);
        if (!_stepOpen) throw new InvalidOperationException("EndStep was called without BeginStep: expected BeginStep, Step, EndStep in turn");
        CheckLength(actions.Length, _options.NumEnvs * _act, "actions", "NumEnvs × ActionSize");
        var rewards = trueRewards.IsEmpty ? env.Rewards : trueRewards;
        CheckLength(rewards.Length, _options.NumEnvs, "true rewards", "NumEnvs");
        var terminated = env.Terminated;
        var truncated = env.Truncated;
        var started = env.EpisodeStarted;
        bool nextStepReset = env.AutoresetMode == AutoresetMode.NextStep;
        _captions ??= env.Infos.Captions;
        var codes = _captions?.Codes;
        for (int i = 0; i < _options.NumEnvs; i++)
        {
            bool ended = terminated[i] || truncated[i];
            if (nextStepReset && started[i] && !ended) continue;
            Commit(i, actions.Slice(i * _act, _act), rewards[i], ended, codes is null ? StepCaptions.None : codes[i]);
        }
        _stepOpen = false;
    }

    /// <summary>Records one transition of sub-env <paramref name="env"/>: the observation (and physics state) the action was
    /// taken from, the action, its true reward, and whether the episode ended with it (terminated or truncated).</summary>
    public void AddTransition(int env, ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, bool episodeEnded,
        ReadOnlySpan<double> physicsState = default)
    {
        if ((uint)env >= (uint)_options.NumEnvs)
            throw new ArgumentOutOfRangeException(nameof(env), env, $"env {env} does not exist: expected an index in [0, {_options.NumEnvs - 1}]");
        if (_stepOpen) throw new InvalidOperationException("AddTransition was called between BeginStep and EndStep: finish the step first");
        CheckLength(observation.Length, _obs, "observation", "ObservationSize");
        CheckLength(action.Length, _act, "action", "ActionSize");
        if (!physicsState.IsEmpty) CheckLength(physicsState.Length, _phys, "physics state", "PhysicsStateSize");
        var slot = SlotWithRoom(env);
        observation.CopyTo(slot.Observations.AsSpan(slot.Steps * _obs, _obs));
        if (!physicsState.IsEmpty) physicsState.CopyTo(slot.PhysicsStates.AsSpan(slot.Steps * _phys, _phys));
        MarkPhysics(slot, !physicsState.IsEmpty);
        Commit(env, action, reward, episodeEnded);
    }

    /// <summary>Mean true return and length of the last <paramref name="episodes"/> finished episodes (B-Pref uses 10).</summary>
    public EpisodeStatistics RecentStatistics(int episodes = 10)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, $"episodes is {episodes}: expected at least 1");
        int n = Math.Min(episodes, _recentCount);
        if (n == 0) return new EpisodeStatistics(0, 0, 0);
        double sumReturn = 0, sumLength = 0;
        for (int k = 0; k < n; k++)
        {
            int index = (_recentStart + _recentCount - 1 - k) % _recentReturns.Length;
            sumReturn += _recentReturns[index];
            sumLength += _recentLengths[index];
        }
        return new EpisodeStatistics(n, sumReturn / n, sumLength / n);
    }

    /// <summary>A new segment, drawn uniformly over every H-step window that lies inside one episode.</summary>
    /// <exception cref="InvalidOperationException">No episode is at least H steps long.</exception>
    public Segment SampleSegment(ref SimRandom random)
    {
        int h = SegmentLength;
        long total = 0;
        for (int i = 0; i < _finishedCount; i++)
        {
            int steps = Finished(i).Steps;
            if (steps >= h) total += steps - h + 1;
        }
        if (total == 0) throw NoSampleableEpisode();

        long pick = total <= int.MaxValue ? random.NextInt((int)total) : Math.Min(total - 1, (long)(random.NextDouble() * total));
        for (int i = 0; i < _finishedCount; i++)
        {
            var slot = Finished(i);
            if (slot.Steps < h) continue;
            int starts = slot.Steps - h + 1;
            if (pick < starts) return Copy(slot, (int)pick);
            pick -= starts;
        }
        throw new InvalidOperationException("unreachable: the sampled window lies past the last episode");
    }

    Segment IItemSource<Segment>.Sample(ref SimRandom random) => SampleSegment(ref random);

    /// <summary>Draws <paramref name="count"/> segments independently.</summary>
    public Segment[] SampleSegments(int count, ref SimRandom random)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count is {count}: expected >= 0");
        var segments = new Segment[count];
        for (int i = 0; i < count; i++) segments[i] = SampleSegment(ref random);
        return segments;
    }

    InvalidOperationException NoSampleableEpisode()
    {
        int longest = 0;
        for (int i = 0; i < _finishedCount; i++) longest = Math.Max(longest, Finished(i).Steps);
        string kept = _finishedCount == 0
            ? "no episode has finished yet"
            : $"the {_finishedCount} finished episode(s) kept have at most {longest} steps";
        return new InvalidOperationException(
            $"cannot draw a {SegmentLength}-step segment: {kept}; expected at least one finished episode of {SegmentLength} or more steps "
            + "(collect more steps or use a shorter segment length)");
    }

    Slot Finished(int i) => _finished[(_finishedStart + i) % _finished.Length];

    Segment Copy(Slot slot, int start)
    {
        var segment = Segment.CopyRows(_options.Source, _options.EnvId, slot.Episode, slot.FirstStep, start, SegmentLength, _obs, _act,
            slot.HasPhysics ? _phys : 0, slot.Observations, slot.Actions, slot.Rewards, slot.PhysicsStates);
        if (_captions is null) return segment;
        var captions = new string[SegmentLength];
        for (int t = 0; t < captions.Length; t++) captions[t] = _captions.TextOf(slot.CaptionCodes[start + t]);
        return segment.WithCaptions(captions);
    }

    /// <summary>The sub-env's slot, after closing it as a chunk if it is full, so that row <c>Steps</c> can be written.</summary>
    Slot SlotWithRoom(int env)
    {
        var slot = _current[env];
        if (slot.Steps == _capacity)
        {
            // Over-long episode: store what we have as one chunk and continue the same episode in a fresh slot.
            var next = Retire(env);
            next.Episode = slot.Episode;
            next.FirstStep = slot.FirstStep + slot.Steps;
            slot = next;
        }
        return slot;
    }

    static void MarkPhysics(Slot slot, bool present)
    {
        // A segment keeps physics only if every row has it, so the first step decides and later gaps clear it.
        if (slot.Steps == 0) slot.HasPhysics = present;
        else if (!present) slot.HasPhysics = false;
    }

    void Commit(int env, ReadOnlySpan<float> action, float reward, bool ended, int captionCode = StepCaptions.None)
    {
        var slot = _current[env];
        int row = slot.Steps;
        action.CopyTo(slot.Actions.AsSpan(row * _act, _act));
        slot.Rewards[row] = reward;
        slot.CaptionCodes[row] = captionCode;
        slot.Steps = row + 1;
        _episodeReturn[env] += reward;
        _episodeLength[env]++;
        if (!ended) return;

        int recentIndex;
        if (_recentCount < _recentReturns.Length) recentIndex = (_recentStart + _recentCount++) % _recentReturns.Length;
        else
        {
            recentIndex = _recentStart;
            _recentStart = (_recentStart + 1) % _recentReturns.Length;
        }
        _recentReturns[recentIndex] = _episodeReturn[env];
        _recentLengths[recentIndex] = _episodeLength[env];
        _episodeReturn[env] = 0;
        _episodeLength[env] = 0;
        FinishedEpisodeCount++;

        var next = Retire(env);
        next.Episode = _nextEpisode++;
        next.FirstStep = 0;
    }

    /// <summary>Moves the sub-env's slot into the finished ring (evicting the oldest when full) and gives it an empty slot.</summary>
    Slot Retire(int env)
    {
        var slot = _current[env];
        if (_finishedCount == _finished.Length)
        {
            _free.Push(_finished[_finishedStart]);
            _finished[_finishedStart] = slot;
            _finishedStart = (_finishedStart + 1) % _finished.Length;
        }
        else
        {
            _finished[(_finishedStart + _finishedCount) % _finished.Length] = slot;
            _finishedCount++;
        }
        var next = _free.Pop();
        next.Steps = 0;
        next.HasPhysics = false;
        _current[env] = next;
        return next;
    }

    void CheckEnvCount(int numEnvs)
    {
        if (numEnvs != _options.NumEnvs)
            throw new ArgumentException($"the vector env has {numEnvs} sub-envs: expected {_options.NumEnvs}, the history's {nameof(EpisodeHistoryOptions.NumEnvs)}");
    }

    static void CheckLength(int actual, int expected, string what, string formula)
    {
        if (actual != expected)
            throw new ArgumentException($"{what} has {actual} values: expected {formula} = {expected}");
    }
}
