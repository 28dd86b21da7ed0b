using Sim.Core;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Foundation;

namespace Sim.Learning.Replay;

/// <summary>Hindsight experience replay (Andrychowicz et al. 2017) over a <see cref="ReplayBuffer"/> of a goal env's
/// transitions: it remembers which episode every stored row belongs to, and rewrites part of each sampled batch as if
/// a goal the episode achieved had been the one asked for.</summary>
/// <remarks>
/// <para>Transitions are stored in the buffer one vector step at a time (<see cref="ReplayBuffer.AddStep"/>), so the
/// t-th transition ever added came from env <c>t mod numEnvs</c> and the same env's next transition is
/// <c>t + numEnvs</c>. An episode is then a start index and an end index, and "a later step of the same episode" is
/// arithmetic; nothing is searched. An episode still running ends, for relabelling, at its latest stored step.</para>
/// <para>Of a batch of B rows, the first round(B·k/(k+1)) are relabelled (SB3's fixed split): the desired goal of the
/// observation and next observation is replaced by the achieved goal of the chosen step's next observation, and the
/// reward is recomputed for the whole relabelled block in one call of the reward function (the env's
/// <see cref="IGoalEnv.ComputeRewards"/> by default, or a shaped reward that includes it). Terminated flags are kept:
/// the goal envs never terminate.</para>
/// <para>Draws come from the caller's <see cref="SimRandom"/>, and <see cref="Save"/>/<see cref="Load"/> keep the
/// episode bookkeeping, so a resumed run relabels exactly as the uninterrupted one.</para>
/// </remarks>
public sealed class HindsightReplay
{
    const int StateVersion = 1;
    const long Ongoing = -1;

    readonly ReplayBuffer _buffer;
    readonly int _numEnvs;
    readonly int _goalSize;
    readonly int _achievedOffset;
    readonly int _desiredOffset;
    readonly TransitionRewardFunction _reward;
    // Per buffer row: the transition index stored there, and its episode's first and last transition indices.
    readonly long[] _transition;
    readonly long[] _episodeStart;
    readonly long[] _episodeEnd;
    // Per env: the first transition of its running episode, and its latest stored transition (−1 before any).
    readonly long[] _runningStart;
    readonly long[] _latest;
    long[] _goalSources = [];

    /// <summary>Relabels batches of <paramref name="buffer"/>, which <paramref name="numEnvs"/> envs fill a vector step at a
    /// time, with observation rows laid out by <paramref name="space"/>.</summary>
    /// <param name="buffer">The buffer, empty, whose transitions this tracks from now on.</param>
    /// <param name="numEnvs">Envs per vector step.</param>
    /// <param name="space">The goal env's dict observation space.</param>
    /// <param name="goalSize">Floats per goal.</param>
    /// <param name="strategy">How relabelled goals are chosen.</param>
    /// <param name="k">Relabelled goals per real one: k/(k+1) of each batch is relabelled.</param>
    /// <param name="reward">Rewards a block of relabelled transitions; see the remarks.</param>
    public HindsightReplay(ReplayBuffer buffer, int numEnvs, DictSpace space, int goalSize, HindsightStrategy strategy, int k,
        TransitionRewardFunction reward)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(reward);
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"numEnvs = {numEnvs}: expected at least 1 env");
        if (buffer.Capacity < numEnvs)
            throw new ArgumentOutOfRangeException(nameof(buffer), buffer.Capacity, $"buffer capacity {buffer.Capacity}: expected room for at least one vector step of {numEnvs} envs");
        if (buffer.TotalAdded != 0) throw new ArgumentException($"the buffer already holds {buffer.TotalAdded} transitions: hindsight replay must see every one of them", nameof(buffer));
        if (!Enum.IsDefined(strategy)) throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "expected future, final or episode");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, $"k = {k}: expected at least 1 relabelled goal per real one");
        if (space.FlatSize != buffer.ObservationSize)
            throw new ArgumentException($"the dict space has {space.FlatSize} floats but the buffer's observations have {buffer.ObservationSize}", nameof(space));
        var achieved = space.Range(IGoalEnv.AchievedGoalKey);
        var desired = space.Range(IGoalEnv.DesiredGoalKey);
        if (achieved.Length != goalSize || desired.Length != goalSize)
            throw new ArgumentException($"goals of {achieved.Length} (achieved) and {desired.Length} (desired) floats: expected {goalSize} each", nameof(space));
        _buffer = buffer;
        _numEnvs = numEnvs;
        _goalSize = goalSize;
        _achievedOffset = achieved.Offset;
        _desiredOffset = desired.Offset;
        _reward = reward;
        Strategy = strategy;
        K = k;
        _transition = new long[buffer.Capacity];
        _episodeStart = new long[buffer.Capacity];
        _episodeEnd = new long[buffer.Capacity];
        _runningStart = new long[numEnvs];
        _latest = new long[numEnvs];
        for (int env = 0; env < numEnvs; env++)
        {
            _runningStart[env] = env;
            _latest[env] = Ongoing;
        }
    }

    /// <summary>The rewards of a goal env recomputed from the achieved and desired goals of each next observation, which
    /// is exactly what the env paid (<see cref="IGoalEnv"/>'s contract).</summary>
    public static TransitionRewardFunction GoalReward(IGoalEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var space = env.SingleDictObservationSpace;
        var (achievedOffset, goal) = space.Range(IGoalEnv.AchievedGoalKey);
        int desiredOffset = space.Range(IGoalEnv.DesiredGoalKey).Offset;
        int size = space.FlatSize;
        float[] achieved = [], desired = [];
        return (_, _, next, rewards) =>
        {
            int rows = rewards.Length;
            if (achieved.Length < rows * goal)
            {
                achieved = new float[rows * goal];
                desired = new float[rows * goal];
            }
            for (int i = 0; i < rows; i++)
            {
                next.Slice(i * size + achievedOffset, goal).CopyTo(achieved.AsSpan(i * goal, goal));
                next.Slice(i * size + desiredOffset, goal).CopyTo(desired.AsSpan(i * goal, goal));
            }
            env.ComputeRewards(achieved.AsSpan(0, rows * goal), desired.AsSpan(0, rows * goal), rewards);
        };
    }

    /// <summary>How relabelled goals are chosen.</summary>
    public HindsightStrategy Strategy { get; }

    /// <summary>Relabelled goals per real one.</summary>
    public int K { get; }

    /// <summary>Rows of a batch of <paramref name="batchSize"/> that are relabelled: the first round(B·k/(k+1)).</summary>
    public int RelabelledRows(int batchSize) => (int)Math.Round(batchSize * (double)K / (K + 1), MidpointRounding.AwayFromZero);

    /// <summary>For each row of the last batch, the transition index whose achieved goal became its desired goal, or −1
    /// where the row kept its own goal (for tests and diagnostics).</summary>
    public ReadOnlySpan<long> GoalSources => _goalSources;

    /// <summary>The transition index (counted from the first ever added) stored in buffer row <paramref name="row"/>.</summary>
    public long TransitionAt(int row) => _transition[row];

    /// <summary>Records the vector step the buffer has just stored: env i's transition is the i-th of the step, and
    /// <paramref name="terminated"/> or <paramref name="truncated"/> say whose episodes ended with it.</summary>
    public void RecordStep(ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated)
    {
        if (terminated.Length != _numEnvs || truncated.Length != _numEnvs)
            throw new ArgumentException($"{terminated.Length} terminated and {truncated.Length} truncated flags: expected one per env ({_numEnvs})");
        long first = _buffer.TotalAdded - _numEnvs;
        if (first < 0 || first % _numEnvs != 0)
            throw new InvalidOperationException($"the buffer holds {_buffer.TotalAdded} transitions: hindsight replay needs whole vector steps of {_numEnvs}, each recorded once");
        for (int env = 0; env < _numEnvs; env++)
        {
            long t = first + env;
            int row = RowOf(t);
            _transition[row] = t;
            _episodeStart[row] = _runningStart[env];
            _episodeEnd[row] = Ongoing;
            _latest[env] = t;
            if (!(terminated[env] || truncated[env])) continue;
            for (long s = Math.Max(_runningStart[env], Oldest(env)); s <= t; s += _numEnvs) _episodeEnd[RowOf(s)] = t;
            _runningStart[env] = t + _numEnvs;
        }
    }

    /// <summary>Samples a batch as <see cref="ReplayBuffer.Sample"/> does, relabels its first rows and uploads it.</summary>
    public ReplayBatch Sample(int batchSize, ref SimRandom rng)
    {
        var batch = _buffer.SampleOnHost(batchSize, ref rng);
        if (_goalSources.Length != batchSize) _goalSources = new long[batchSize];
        _goalSources.AsSpan().Fill(-1);
        int relabelled = RelabelledRows(batchSize);
        int o = _buffer.ObservationSize, a = _buffer.ActionSize;
        var observations = batch.HostObservations;
        var nextObservations = batch.HostNextObservations;
        var stored = _buffer.NextObservations;
        var rows = batch.Indices;
        for (int b = 0; b < relabelled; b++)
        {
            long source = ChooseGoalSource(rows[b], ref rng);
            _goalSources[b] = source;
            var goal = stored.Slice(RowOf(source) * o + _achievedOffset, _goalSize);
            goal.CopyTo(observations.Slice(b * o + _desiredOffset, _goalSize));
            goal.CopyTo(nextObservations.Slice(b * o + _desiredOffset, _goalSize));
        }
        if (relabelled > 0)
        {
            var rewards = batch.HostRewards[..relabelled];
            rewards.Fill(float.NaN);
            _reward(observations[..(relabelled * o)], batch.HostActions[..(relabelled * a)], nextObservations[..(relabelled * o)], rewards);
            for (int b = 0; b < relabelled; b++)
            {
                if (!float.IsFinite(rewards[b]))
                    throw new InvalidOperationException($"relabelled reward of batch row {b} = {rewards[b]}: the reward function must write a finite reward for every row");
            }
        }
        batch.Upload();
        return batch;
    }

    long ChooseGoalSource(int row, ref SimRandom rng)
    {
        long t = _transition[row];
        int env = (int)(t % _numEnvs);
        long end = _episodeEnd[row] == Ongoing ? _latest[env] : _episodeEnd[row];
        long first = Strategy switch
        {
            HindsightStrategy.Future => t,
            HindsightStrategy.Final => end,
            _ => Math.Max(_episodeStart[row], Oldest(env)),
        };
        long steps = (end - first) / _numEnvs + 1;
        return first + _numEnvs * (steps == 1 ? 0 : rng.NextInt((int)steps));
    }

    // The oldest transition of env's still in the buffer (its rows before that were overwritten).
    long Oldest(int env)
    {
        long oldest = _buffer.TotalAdded - _buffer.Count;
        long offset = ((env - oldest) % _numEnvs + _numEnvs) % _numEnvs;
        return oldest + offset;
    }

    int RowOf(long transition) => (int)(transition % _buffer.Capacity);

    /// <summary>Writes the episode bookkeeping of the rows the buffer holds, and of the running episodes.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StateVersion);
        writer.Write(_numEnvs);
        writer.Write(_buffer.Count);
        int count = _buffer.Count;
        writer.WriteArray<long>(_transition.AsSpan(0, count));
        writer.WriteArray<long>(_episodeStart.AsSpan(0, count));
        writer.WriteArray<long>(_episodeEnd.AsSpan(0, count));
        writer.WriteArray<long>(_runningStart);
        writer.WriteArray<long>(_latest);
    }

    /// <summary>Restores what <see cref="Save"/> wrote, after the buffer itself was restored.</summary>
    /// <exception cref="InvalidDataException">The state is of another version, env count or buffer size.</exception>
    public void Load(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            reader.ExpectInt32(StateVersion, $"{source}: hindsight replay state version");
            reader.ExpectInt32(_numEnvs, $"{source}: hindsight replay env count");
            reader.ExpectInt32(_buffer.Count, $"{source}: hindsight replay rows (the replay buffer's count)");
            int count = _buffer.Count;
            reader.ReadArray<long>(_transition.AsSpan(0, count), $"{source}: transition indices");
            reader.ReadArray<long>(_episodeStart.AsSpan(0, count), $"{source}: episode starts");
            reader.ReadArray<long>(_episodeEnd.AsSpan(0, count), $"{source}: episode ends");
            reader.ReadArray<long>(_runningStart, $"{source}: running episode starts");
            reader.ReadArray<long>(_latest, $"{source}: latest transitions");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source} ends early: it was written by another build or configuration", e);
        }
    }
}
