using Sim.Core;
using Sim.Foundation;
using Sim.Core.Wrappers;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Replay;

/// <summary>A fixed-capacity circular store of transitions for off-policy learners (SAC), held in host memory and
/// sampled uniformly onto a torch device.</summary>
/// <remarks>
/// <para>Each column is one flat array allocated up front: observations and next observations
/// <c>[Capacity × ObservationSize]</c>, actions <c>[Capacity × ActionSize]</c>, rewards and terminated flags
/// <c>[Capacity]</c>. Adding copies rows in place and sampling gathers into preallocated batch memory, so neither
/// allocates. Once full, each new transition overwrites the oldest.</para>
/// <para>Rows are exposed (and relabelled) in storage order, which is chronological only until the buffer wraps;
/// the oldest row is then at <see cref="Position"/>.</para>
/// <para>Next observations are stored explicitly rather than read from the following row, because with several envs
/// and autoreset the following row is generally another env's or another episode's.</para>
/// </remarks>
public sealed partial class ReplayBuffer : IDisposable
{
    /// <summary>Rows handed to a reward function per call by <see cref="RelabelRewards"/> unless told otherwise.</summary>
    public const int DefaultRelabelChunkRows = 4096;

    private readonly float[] _observations;
    private readonly float[] _actions;
    private readonly float[] _rewards;
    private readonly float[] _nextObservations;
    private readonly bool[] _terminated;
    private ReplayBatch? _batch;
    private bool _disposed;

    /// <summary>Allocates room for <paramref name="capacity"/> transitions; batches are sampled onto <paramref name="device"/> (the CPU by default).</summary>
    public ReplayBuffer(int capacity, int observationSize, int actionSize, Device? device = null)
    {
        CheckShape(capacity, observationSize, actionSize);
        Capacity = capacity;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        Device = device ?? CPU;
        _observations = new float[(long)capacity * observationSize];
        _actions = new float[(long)capacity * actionSize];
        _rewards = new float[capacity];
        _nextObservations = new float[(long)capacity * observationSize];
        _terminated = new bool[capacity];
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first size that is out of range.</summary>
    internal static void CheckShape(int capacity, int observationSize, int actionSize)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity = {capacity}: expected at least 1 transition");
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize = {observationSize}: expected at least 1");
        if (actionSize < 1) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, $"actionSize = {actionSize}: expected at least 1");
        int widest = Math.Max(observationSize, actionSize);
        if ((long)capacity * widest > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"capacity = {capacity} × row size {widest} = {(long)capacity * widest} floats exceeds the largest .NET array ({Array.MaxLength}); " +
                $"expected at most {Array.MaxLength / widest} transitions");
    }

    /// <summary>Transitions the buffer can hold.</summary>
    public int Capacity { get; }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionSize { get; }

    /// <summary>Where sampled batches live.</summary>
    public Device Device { get; }

    /// <summary>Transitions held: rows <c>[0, Count)</c> are valid.</summary>
    public int Count { get; private set; }

    /// <summary>The row the next transition is written to (the oldest row once the buffer is full).</summary>
    public int Position { get; private set; }

    /// <summary>Transitions added since construction or <see cref="Clear"/>, including those since overwritten.</summary>
    public long TotalAdded { get; private set; }

    /// <summary>Whether every row holds a transition, so the next one overwrites the oldest.</summary>
    public bool IsFull => Count == Capacity;

    /// <summary>Stored observations, <c>[Count × ObservationSize]</c> in storage order.</summary>
    public ReadOnlySpan<float> Observations => _observations.AsSpan(0, Count * ObservationSize);

    /// <summary>Stored actions, <c>[Count × ActionSize]</c> in storage order.</summary>
    public ReadOnlySpan<float> Actions => _actions.AsSpan(0, Count * ActionSize);

    /// <summary>Stored rewards, <c>[Count]</c> in storage order.</summary>
    public ReadOnlySpan<float> Rewards => _rewards.AsSpan(0, Count);

    /// <summary>Stored next observations, <c>[Count × ObservationSize]</c> in storage order.</summary>
    public ReadOnlySpan<float> NextObservations => _nextObservations.AsSpan(0, Count * ObservationSize);

    /// <summary>Stored terminated flags, <c>[Count]</c> in storage order; truncated transitions are stored as not terminated.</summary>
    public ReadOnlySpan<bool> Terminated => _terminated.AsSpan(0, Count);

    /// <summary>Adds <c>rewards.Length</c> transitions, row i of each span belonging to transition i.</summary>
    /// <param name="observations">Observations before the step, <c>[rows × ObservationSize]</c>.</param>
    /// <param name="actions">Actions taken, <c>[rows × ActionSize]</c>.</param>
    /// <param name="rewards">One reward per transition.</param>
    /// <param name="nextObservations">Observations after the step, which for an ended episode must be its last (not the
    /// next episode's first), <c>[rows × ObservationSize]</c>.</param>
    /// <param name="terminated">Whether each step reached a terminal state; pass false for truncated steps so they bootstrap.</param>
    public void Add(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> rewards,
        ReadOnlySpan<float> nextObservations, ReadOnlySpan<bool> terminated)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int rows = rewards.Length;
        CheckLength(observations.Length, rows * ObservationSize, nameof(observations), $"{rows} rows × observation size {ObservationSize}");
        CheckLength(actions.Length, rows * ActionSize, nameof(actions), $"{rows} rows × action size {ActionSize}");
        CheckLength(nextObservations.Length, rows * ObservationSize, nameof(nextObservations), $"{rows} rows × observation size {ObservationSize}");
        CheckLength(terminated.Length, rows, nameof(terminated), $"one flag per reward ({rows})");
        // Rows that would be overwritten within this same call are skipped.
        int first = Math.Max(0, rows - Capacity);
        for (int i = first; i < rows; i++)
        {
            int row = (int)((Position + (long)i) % Capacity);
            WriteRow(row,
                observations.Slice(i * ObservationSize, ObservationSize),
                actions.Slice(i * ActionSize, ActionSize),
                rewards[i],
                nextObservations.Slice(i * ObservationSize, ObservationSize),
                terminated[i]);
        }
        Advance(rows);
    }

    /// <summary>Adds the transitions of the step <paramref name="env"/> just took, one per sub-env.</summary>
    /// <param name="observations">The observations the actions were taken in (copied before the step, since the step overwrites the env's buffer).</param>
    /// <param name="actions">The actions passed to the step.</param>
    /// <param name="env">The env after its step; it must use <see cref="AutoresetMode.SameStep"/>.</param>
    /// <remarks>Where an episode ended, the next observation is the env's <see cref="IVectorEnv.FinalObservations"/> row
    /// (its <see cref="IVectorEnv.Observations"/> row is already the next episode's first). Truncated transitions are
    /// stored as not terminated, so that the learner bootstraps from them.</remarks>
    public void AddStep(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, IVectorEnv env)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(env);
        if (env.AutoresetMode != AutoresetMode.SameStep)
            throw new ArgumentException($"env autoreset mode is {env.AutoresetMode}: AddStep needs {nameof(AutoresetMode.SameStep)}, " +
                "where every step is a transition and the final observation arrives with it", nameof(env));
        int numEnvs = env.NumEnvs;
        if (env.SingleObservationSpace.FlatSize != ObservationSize)
            throw new ArgumentException($"env observations have {env.SingleObservationSpace.FlatSize} floats but the buffer stores {ObservationSize}", nameof(env));
        CheckLength(observations.Length, numEnvs * ObservationSize, nameof(observations), $"{numEnvs} envs × observation size {ObservationSize}");
        CheckLength(actions.Length, numEnvs * ActionSize, nameof(actions), $"{numEnvs} envs × action size {ActionSize}");
        var next = env.Observations;
        var final = env.FinalObservations;
        var rewards = env.Rewards;
        var terminated = env.Terminated;
        var truncated = env.Truncated;
        int first = Math.Max(0, numEnvs - Capacity);
        for (int i = first; i < numEnvs; i++)
        {
            int row = (int)((Position + (long)i) % Capacity);
            bool ended = terminated[i] || truncated[i];
            var nextRow = (ended ? final : next).Slice(i * ObservationSize, ObservationSize);
            WriteRow(row,
                observations.Slice(i * ObservationSize, ObservationSize),
                actions.Slice(i * ActionSize, ActionSize),
                rewards[i],
                nextRow,
                terminated[i]);
        }
        Advance(numEnvs);
    }

    private void WriteRow(int row, ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward,
        ReadOnlySpan<float> nextObservation, bool terminated)
    {
        observation.CopyTo(_observations.AsSpan(row * ObservationSize, ObservationSize));
        action.CopyTo(_actions.AsSpan(row * ActionSize, ActionSize));
        _rewards[row] = reward;
        nextObservation.CopyTo(_nextObservations.AsSpan(row * ObservationSize, ObservationSize));
        _terminated[row] = terminated;
    }

    private void Advance(int rows)
    {
        Count = (int)Math.Min(Capacity, (long)Count + rows);
        Position = (int)((Position + (long)rows) % Capacity);
        TotalAdded += rows;
    }

    /// <summary>Draws <paramref name="batchSize"/> rows uniformly with replacement (as CleanRL's buffer does) and copies
    /// them to <see cref="Device"/>, one host→device copy per column.</summary>
    /// <returns>A batch owned by this buffer and overwritten by the next call; a different batch size reallocates it.</returns>
    public ReplayBatch Sample(int batchSize, ref SimRandom rng)
    {
        var batch = SampleOnHost(batchSize, ref rng);
        batch.Upload();
        return batch;
    }

    /// <summary><see cref="Sample"/> without the upload, so that the host rows can be rewritten first (hindsight goals).</summary>
    internal ReplayBatch SampleOnHost(int batchSize, ref SimRandom rng)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize = {batchSize}: expected at least 1");
        if (Count == 0) throw new InvalidOperationException("the replay buffer is empty: add transitions before sampling");
        if (_batch is null || _batch.BatchSize != batchSize)
        {
            _batch?.Free();
            _batch = null;
            _batch = new ReplayBatch(batchSize, ObservationSize, ActionSize, Device);
        }
        var batch = _batch;
        var indices = batch.WritableIndices;
        var observations = batch.HostObservations;
        var actions = batch.HostActions;
        var rewards = batch.HostRewards;
        var nextObservations = batch.HostNextObservations;
        var terminated = batch.HostTerminated;
        int o = ObservationSize, a = ActionSize;
        for (int b = 0; b < batchSize; b++)
        {
            int row = rng.NextInt(Count);
            indices[b] = row;
            _observations.AsSpan(row * o, o).CopyTo(observations.Slice(b * o, o));
            _actions.AsSpan(row * a, a).CopyTo(actions.Slice(b * a, a));
            rewards[b] = _rewards[row];
            _nextObservations.AsSpan(row * o, o).CopyTo(nextObservations.Slice(b * o, o));
            terminated[b] = _terminated[row] ? 1f : 0f;
        }
        return batch;
    }

    /// <summary>Rewrites the reward of every stored transition with <paramref name="reward"/>, e.g. a learned reward model
    /// after it was retrained (PEBBLE relabels the whole buffer).</summary>
    /// <param name="reward">Called on consecutive chunks of at most <paramref name="chunkRows"/> rows in storage order,
    /// with observations, actions and next observations, and writes one reward per row.</param>
    /// <param name="chunkRows">Rows per call, which bounds the batch a reward model sees.</param>
    /// <remarks>All or nothing: the new rewards are checked to be finite before any stored one is replaced.</remarks>
    public void RelabelRewards(TransitionRewardFunction reward, int chunkRows = DefaultRelabelChunkRows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(reward);
        if (chunkRows < 1) throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, $"chunkRows = {chunkRows}: expected at least 1");
        var relabelled = new float[Count];
        for (int start = 0; start < Count; start += chunkRows)
        {
            int rows = Math.Min(chunkRows, Count - start);
            var destination = relabelled.AsSpan(start, rows);
            // NaN marks rows the function did not write.
            destination.Fill(float.NaN);
            reward(
                _observations.AsSpan(start * ObservationSize, rows * ObservationSize),
                _actions.AsSpan(start * ActionSize, rows * ActionSize),
                _nextObservations.AsSpan(start * ObservationSize, rows * ObservationSize),
                destination);
            for (int i = 0; i < rows; i++)
            {
                if (!float.IsFinite(destination[i]))
                    throw new InvalidOperationException(
                        $"relabelled reward of row {start + i} = {destination[i]}: the reward function must write a finite reward for every row " +
                        "(no stored reward was changed)");
            }
        }
        relabelled.CopyTo(_rewards.AsSpan(0, Count));
    }

    /// <summary>Forgets every transition; the memory is kept.</summary>
    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Count = 0;
        Position = 0;
        TotalAdded = 0;
    }

    /// <summary>Writes the buffer to <paramref name="path"/> atomically (see <see cref="ReplayBufferFile"/>).</summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReplayBufferFile.Write(path, this);
    }

    /// <summary>Writes the buffer to <paramref name="stream"/> at its current position, in the format of <see cref="ReplayBufferFile"/>.</summary>
    public void Save(Stream stream)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReplayBufferFile.Write(stream, this);
    }

    /// <summary>Reads a buffer written by <see cref="Save(string)"/>, with its capacity, position and rewards, to sample onto <paramref name="device"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a replay buffer file, or is truncated or corrupt.</exception>
    public static ReplayBuffer Load(string path, Device? device = null) => ReplayBufferFile.Read(path, device);

    /// <summary>Replaces this buffer's transitions, position and count with those written by <see cref="Save(Stream)"/> from a
    /// buffer of the same capacity and row sizes, keeping this object (and its memory), e.g. to resume a trainer that holds it.</summary>
    /// <exception cref="InvalidDataException">The stream is not a replay buffer, is truncated or corrupt, or holds another shape;
    /// the buffer then keeps its old transitions (a bad header) or is emptied (bad rows), never a mixture of the two.</exception>
    public void LoadFrom(Stream stream)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReplayBufferFile.ReadInto(stream, this);
    }

    // Raw storage for the file format, which restores a buffer exactly.
    internal float[] ObservationStorage => _observations;
    internal float[] ActionStorage => _actions;
    internal float[] RewardStorage => _rewards;
    internal float[] NextObservationStorage => _nextObservations;
    internal bool[] TerminatedStorage => _terminated;

    internal void RestoreCounters(int count, int position, long totalAdded)
    {
        Count = count;
        Position = position;
        TotalAdded = totalAdded;
    }

    private static void CheckLength(int actual, int expected, string name, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} values: expected {expected} ({what})", name);
    }

    /// <summary>Frees the sampled batch's tensors; the host arrays go with the garbage collector.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _batch?.Free();
        _batch = null;
    }
}
