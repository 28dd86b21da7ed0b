using Sim.Foundation;
using Sim.Core.Spaces;

namespace Sim.Core;

/// <summary>Base of every batched env: owns the buffers, validation, seeding, autoreset and the worker pool.</summary>
/// <remarks>
/// Subclasses only say how to reset one env and how to step a contiguous range of envs, so that
/// simple dynamics can be written as tight loops over struct-of-arrays state. Everything a step
/// touches is allocated here, once.
/// </remarks>
public abstract class VectorEnv : IVectorEnv, IPartitionedWork, IStatefulEnv
{
    /// <summary>Version of the layout <see cref="SaveState"/> writes; older or newer states are rejected.</summary>
    public const int StateFormatVersion = 1;

    readonly WorkerPool? _pool;
    readonly List<float[]> _rewardTermColumns = new();
    bool _resetPhase;
    bool _hasReset;
    bool _disposed;

    /// <summary>Allocates the batch buffers for <paramref name="numEnvs"/> envs.</summary>
    protected VectorEnv(int numEnvs, Space observationSpace, Space actionSpace, VectorEnvOptions? options)
    {
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "expected at least 1 env");
        options ??= VectorEnvOptions.Default;
        options.Validate();
        NumEnvs = numEnvs;
        SingleObservationSpace = observationSpace;
        SingleActionSpace = actionSpace;
        AutoresetMode = options.AutoresetMode;
        ObservationSize = observationSpace.FlatSize;
        ActionSize = actionSpace.FlatSize;
        ObservationBuffer = new float[numEnvs * ObservationSize];
        FinalObservationBuffer = new float[numEnvs * ObservationSize];
        ActionBuffer = new float[numEnvs * ActionSize];
        RewardBuffer = new float[numEnvs];
        TerminatedBuffer = new bool[numEnvs];
        TruncatedBuffer = new bool[numEnvs];
        EpisodeStartedBuffer = new bool[numEnvs];
        ResetPending = new bool[numEnvs];
        Rngs = new SimRandom[numEnvs];
        for (int i = 0; i < numEnvs; i++) Rngs[i] = new SimRandom((ulong)i);
        Infos = new StepInfos(numEnvs);
        int threads = Math.Min(options.NumThreads, numEnvs);
        if (threads > 1) _pool = new WorkerPool(threads);
    }

    public int NumEnvs { get; }
    public Space SingleObservationSpace { get; }
    public Space SingleActionSpace { get; }
    public AutoresetMode AutoresetMode { get; }
    public StepInfos Infos { get; }

    /// <summary>Floats per observation row.</summary>
    protected int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    protected int ActionSize { get; }

    /// <summary>Observation rows, written by <see cref="ResetEnv"/> and <see cref="StepRange"/>.</summary>
    protected float[] ObservationBuffer { get; }

    /// <summary>Final observation rows of episodes that just ended.</summary>
    protected float[] FinalObservationBuffer { get; }

    /// <summary>The validated actions of the current step, read by <see cref="StepRange"/>.</summary>
    protected float[] ActionBuffer { get; }

    /// <summary>Per-env reward of the current step, written by <see cref="StepRange"/>.</summary>
    protected float[] RewardBuffer { get; }

    /// <summary>Per-env terminal flag, cleared before <see cref="StepRange"/> and set by it.</summary>
    protected bool[] TerminatedBuffer { get; }

    /// <summary>Per-env truncation flag, cleared before <see cref="StepRange"/>; set by it on divergence.</summary>
    protected bool[] TruncatedBuffer { get; }

    bool[] EpisodeStartedBuffer { get; }

    /// <summary>Envs whose episode ended on the previous step and that this step resets instead of stepping
    /// (next-step autoreset). <see cref="StepRange"/> may skip them: whatever it writes for them is overwritten.</summary>
    protected bool[] ResetPending { get; }

    /// <summary>One generator per env; env i is seeded with seed + i, so results do not depend on threading.</summary>
    protected SimRandom[] Rngs { get; }

    public ReadOnlySpan<float> Observations => ObservationBuffer;
    public ReadOnlySpan<float> Rewards => RewardBuffer;
    public ReadOnlySpan<bool> Terminated => TerminatedBuffer;
    public ReadOnlySpan<bool> Truncated => TruncatedBuffer;
    public ReadOnlySpan<float> FinalObservations => FinalObservationBuffer;
    public ReadOnlySpan<bool> EpisodeStarted => EpisodeStartedBuffer;

    /// <summary>Registers a reward-term info column (the name gets the <c>reward_</c> prefix); terms should sum to the reward.</summary>
    protected float[] AddRewardTerm(string name) => AddRewardTermColumn(StepInfos.RewardPrefix + name);

    /// <summary>Registers a reward-term info column under exactly <paramref name="key"/>, for the terms Gymnasium names
    /// without the <c>reward_</c> prefix (<c>distance_penalty</c>); terms should sum to the reward.</summary>
    protected float[] AddRewardTermColumn(string key)
    {
        var column = Infos.AddValue(key, rewardTerm: true);
        _rewardTermColumns.Add(column);
        return column;
    }

    /// <summary>Samples a fresh initial state for <paramref name="env"/> from <c>Rngs[env]</c> and writes its observation row.</summary>
    protected abstract void ResetEnv(int env);

    /// <summary>Steps envs [start, end) with their <see cref="ActionBuffer"/> rows; writes observations, rewards,
    /// reward terms and terminal flags. Called from worker threads: touch only state of envs in the range.</summary>
    protected abstract void StepRange(int start, int end);

    public void Reset(ulong? seed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (seed is ulong s)
            for (int i = 0; i < NumEnvs; i++) Rngs[i] = new SimRandom(unchecked(s + (ulong)i));
        _resetPhase = true;
        Dispatch();
        _hasReset = true;
    }

    public void Step(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_hasReset) throw new InvalidOperationException("Step was called before Reset: call Reset(seed) first");
        if (actions.Length != ActionBuffer.Length)
            throw new ArgumentException(
                $"actions has length {actions.Length}, expected {NumEnvs} envs × {ActionSize} = {ActionBuffer.Length}", nameof(actions));
        if (!SingleActionSpace.AllValidActions(actions))
        {
            for (int env = 0; env < NumEnvs; env++)
            {
                // Actions of envs being reset are ignored, as in Gymnasium, so they are not judged either.
                if (!ResetPending[env]) SingleActionSpace.ValidateAction(actions.Slice(env * ActionSize, ActionSize), env);
            }
        }
        actions.CopyTo(ActionBuffer);
        _resetPhase = false;
        Dispatch();
    }

    void Dispatch()
    {
        if (_pool is null) Execute(0, 1);
        else _pool.Run(this);
    }

    /// <inheritdoc/>
    public void Execute(int partition, int partitionCount)
    {
        int start = (int)((long)NumEnvs * partition / partitionCount);
        int end = (int)((long)NumEnvs * (partition + 1) / partitionCount);
        if (_resetPhase)
        {
            for (int i = start; i < end; i++) ResetOne(i);
            return;
        }
        Array.Clear(TerminatedBuffer, start, end - start);
        Array.Clear(TruncatedBuffer, start, end - start);
        Array.Clear(EpisodeStartedBuffer, start, end - start);
        StepRange(start, end);
        for (int i = start; i < end; i++)
        {
            if (ResetPending[i])
            {
                ResetPending[i] = false;
                ResetOne(i);
            }
            else if (TerminatedBuffer[i] || TruncatedBuffer[i])
            {
                EndEpisode(i);
            }
        }
    }

    void ResetOne(int env)
    {
        ResetEnv(env);
        RewardBuffer[env] = 0f;
        TerminatedBuffer[env] = false;
        TruncatedBuffer[env] = false;
        EpisodeStartedBuffer[env] = true;
        ResetPending[env] = false;
        ClearRewardTerms(env);
    }

    /// <summary>Sets every reward-term column of <paramref name="env"/> to 0, for a step whose reward is replaced by 0.</summary>
    protected void ClearRewardTerms(int env)
    {
        foreach (var column in _rewardTermColumns) column[env] = 0f;
    }

    void EndEpisode(int env)
    {
        Array.Copy(ObservationBuffer, env * ObservationSize, FinalObservationBuffer, env * ObservationSize, ObservationSize);
        if (AutoresetMode == AutoresetMode.SameStep)
        {
            ResetEnv(env);
            EpisodeStartedBuffer[env] = true;
        }
        else
        {
            ResetPending[env] = true;
        }
    }

    public void Truncate(int env)
    {
        if ((uint)env >= (uint)NumEnvs) throw new ArgumentOutOfRangeException(nameof(env), env, $"expected an env index in [0, {NumEnvs - 1}]");
        // An episode that terminated on this very step is marked truncated too and not ended twice: that is how
        // Gymnasium's TimeLimit reports an episode whose last allowed step is terminal. Learners let termination win.
        if (TerminatedBuffer[env])
        {
            TruncatedBuffer[env] = true;
            return;
        }
        if (TruncatedBuffer[env] || EpisodeStartedBuffer[env]) return;
        TruncatedBuffer[env] = true;
        EndEpisode(env);
    }

    /// <summary>Writes the base state (configuration header, RNG states, reset flags, every batch buffer and info column),
    /// then the subclass's through <see cref="SaveEnvState"/>.</summary>
    public void SaveState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.Write(StateFormatVersion);
        writer.Write(GetType().FullName!);
        writer.Write(NumEnvs);
        writer.Write(ObservationSize);
        writer.Write(ActionSize);
        writer.Write((int)AutoresetMode);
        writer.Write(_hasReset);
        foreach (var rng in Rngs) writer.WriteRandom(rng);
        writer.WriteArray<bool>(ResetPending);
        writer.WriteArray<float>(ObservationBuffer);
        writer.WriteArray<float>(FinalObservationBuffer);
        writer.WriteArray<float>(ActionBuffer);
        writer.WriteArray<float>(RewardBuffer);
        writer.WriteArray<bool>(TerminatedBuffer);
        writer.WriteArray<bool>(TruncatedBuffer);
        writer.WriteArray<bool>(EpisodeStartedBuffer);
        // The table holds the wrappers' columns too (they register on the env's table), so they are saved here once.
        Infos.WriteState(writer);
        SaveEnvState(writer);
    }

    /// <summary>Restores a state written by <see cref="SaveState"/> of an env of the same type and configuration.</summary>
    public void LoadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ObjectDisposedException.ThrowIf(_disposed, this);
        reader.ExpectInt32(StateFormatVersion, "env state format version");
        reader.ExpectString(GetType().FullName!, "env type");
        reader.ExpectInt32(NumEnvs, $"number of envs of {GetType().Name}");
        reader.ExpectInt32(ObservationSize, $"observation size of {GetType().Name}");
        reader.ExpectInt32(ActionSize, $"action size of {GetType().Name}");
        int mode = reader.ReadInt32();
        if (mode != (int)AutoresetMode)
            throw new InvalidDataException(
                $"autoreset mode of {GetType().Name}: the state has {(AutoresetMode)mode}, expected {AutoresetMode}");
        _hasReset = reader.ReadFlag("has-reset flag");
        for (int i = 0; i < NumEnvs; i++) Rngs[i] = reader.ReadRandom($"RNG state of env {i}");
        reader.ReadFlags(ResetPending, "reset-pending flags");
        reader.ReadArray<float>(ObservationBuffer, "observations");
        reader.ReadArray<float>(FinalObservationBuffer, "final observations");
        reader.ReadArray<float>(ActionBuffer, "actions");
        reader.ReadArray<float>(RewardBuffer, "rewards");
        reader.ReadFlags(TerminatedBuffer, "terminated flags");
        reader.ReadFlags(TruncatedBuffer, "truncated flags");
        reader.ReadFlags(EpisodeStartedBuffer, "episode-started flags");
        Infos.ReadState(reader);
        LoadEnvState(reader);
    }

    /// <summary>Writes the subclass's simulation state: everything later steps read that the base buffers and RNGs do not hold.</summary>
    /// <remarks>There is no default: an env that forgets its state would resume wrongly without a word. A subclass with
    /// no state of its own overrides both hooks with empty bodies.</remarks>
    protected virtual void SaveEnvState(BinaryWriter writer) => throw StateNotSupported();

    /// <summary>Reads what <see cref="SaveEnvState"/> wrote, after the base state has been restored.</summary>
    protected virtual void LoadEnvState(BinaryReader reader) => throw StateNotSupported();

    NotSupportedException StateNotSupported() => new(
        $"{GetType().FullName} cannot save or load its state: it must override SaveEnvState and LoadEnvState to write its simulation state");

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pool?.Dispose();
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases subclass resources (native physics state).</summary>
    protected virtual void Dispose(bool disposing) { }
}
