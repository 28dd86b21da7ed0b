namespace Sim.Core.Wrappers;

/// <summary>Records each episode's return and length into info columns when it ends, and keeps the most recent ones for progress displays.</summary>
/// <remarks>
/// Gymnasium's <c>info["episode"]["r"]</c>, <c>["l"]</c> and <c>info["_episode"]</c> become the columns
/// <see cref="ReturnKey"/>, <see cref="LengthKey"/> and <see cref="DoneKey"/>: valid where the flag is set on
/// the step that ended the episode, 0 elsewhere. A next-step reset step (the episode has started but no
/// transition happened) adds neither reward nor length, so lengths count env steps in both autoreset modes.
/// Stack this inside reward-changing wrappers (normalization, learned rewards) to record the env's own returns.
/// </remarks>
public sealed class RecordEpisodeStatistics : VectorEnvWrapper
{
    /// <summary>Info value column with the return of the episode that ended on this step.</summary>
    public const string ReturnKey = "episode_return";

    /// <summary>Info value column with the length, in env steps, of the episode that ended on this step.</summary>
    public const string LengthKey = "episode_length";

    /// <summary>Info flag column: whether an episode ended on this step (Gymnasium's <c>_episode</c>).</summary>
    public const string DoneKey = "episode_done";

    readonly double[] _returns;
    readonly int[] _lengths;
    readonly float[] _returnColumn;
    readonly float[] _lengthColumn;
    readonly bool[] _doneColumn;
    readonly double[] _recentReturns;
    readonly int[] _recentLengths;
    int _recentNext;

    /// <summary>Records episodes of <paramref name="inner"/>, keeping the last <paramref name="bufferLength"/> of them.</summary>
    public RecordEpisodeStatistics(IVectorEnv inner, int bufferLength = 100) : base(inner)
    {
        if (bufferLength < 1) throw new ArgumentOutOfRangeException(nameof(bufferLength), bufferLength, "expected room for at least 1 episode");
        _returns = new double[inner.NumEnvs];
        _lengths = new int[inner.NumEnvs];
        _returnColumn = inner.Infos.AddValue(ReturnKey);
        _lengthColumn = inner.Infos.AddValue(LengthKey);
        _doneColumn = inner.Infos.AddFlag(DoneKey);
        _recentReturns = new double[bufferLength];
        _recentLengths = new int[bufferLength];
    }

    /// <summary>How many recent episodes are kept.</summary>
    public int BufferLength => _recentReturns.Length;

    /// <summary>Episodes finished since construction.</summary>
    public long EpisodeCount { get; private set; }

    /// <summary>Recent episodes held, at most <see cref="BufferLength"/>.</summary>
    public int RecentCount => (int)Math.Min(EpisodeCount, BufferLength);

    /// <summary>Return accumulated so far in each env's current episode.</summary>
    public ReadOnlySpan<double> CurrentReturns => _returns;

    /// <summary>Steps taken so far in each env's current episode.</summary>
    public ReadOnlySpan<int> CurrentLengths => _lengths;

    /// <summary>Mean return of the recent episodes, or NaN before the first one ends.</summary>
    public double RecentMeanReturn
    {
        get
        {
            int n = RecentCount;
            if (n == 0) return double.NaN;
            double sum = 0;
            for (int i = 0; i < n; i++) sum += _recentReturns[i];
            return sum / n;
        }
    }

    /// <summary>Mean length of the recent episodes, or NaN before the first one ends.</summary>
    public double RecentMeanLength
    {
        get
        {
            int n = RecentCount;
            if (n == 0) return double.NaN;
            long sum = 0;
            for (int i = 0; i < n; i++) sum += _recentLengths[i];
            return (double)sum / n;
        }
    }

    /// <summary>Copies the recent returns, oldest first, into <paramref name="destination"/>; returns how many were written.</summary>
    public int CopyRecentReturns(Span<double> destination) => CopyRecent<double>(_recentReturns, destination);

    /// <summary>Copies the recent lengths, oldest first, into <paramref name="destination"/>; returns how many were written.</summary>
    public int CopyRecentLengths(Span<int> destination) => CopyRecent<int>(_recentLengths, destination);

    int CopyRecent<T>(T[] ring, Span<T> destination)
    {
        int n = RecentCount;
        if (destination.Length < n)
            throw new ArgumentException($"destination holds {destination.Length} values, expected at least {n}", nameof(destination));
        // Until the ring wraps, the oldest entry is at 0; afterwards it is the slot about to be overwritten.
        int oldest = EpisodeCount > BufferLength ? _recentNext : 0;
        for (int i = 0; i < n; i++) destination[i] = ring[(oldest + i) % BufferLength];
        return n;
    }

    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write(BufferLength);
        writer.WriteArray<double>(_returns);
        writer.WriteArray<int>(_lengths);
        writer.WriteArray<double>(_recentReturns);
        writer.WriteArray<int>(_recentLengths);
        writer.Write(_recentNext);
        writer.Write(EpisodeCount);
    }

    protected override void LoadWrapperState(BinaryReader reader)
    {
        reader.ExpectInt32(BufferLength, "RecordEpisodeStatistics buffer length");
        reader.ReadArray<double>(_returns, "RecordEpisodeStatistics current returns");
        reader.ReadArray<int>(_lengths, "RecordEpisodeStatistics current lengths");
        reader.ReadArray<double>(_recentReturns, "RecordEpisodeStatistics recent returns");
        reader.ReadArray<int>(_recentLengths, "RecordEpisodeStatistics recent lengths");
        int next = reader.ReadInt32();
        long count = reader.ReadInt64();
        if ((uint)next >= (uint)BufferLength)
            throw new InvalidDataException($"RecordEpisodeStatistics ring position {next}: expected a slot in [0, {BufferLength - 1}]");
        if (count < 0) throw new InvalidDataException($"RecordEpisodeStatistics episode count {count}: expected a count >= 0");
        _recentNext = next;
        EpisodeCount = count;
    }

    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        Array.Clear(_returns);
        Array.Clear(_lengths);
        Array.Clear(_returnColumn);
        Array.Clear(_lengthColumn);
        Array.Clear(_doneColumn);
    }

    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        Array.Clear(_returnColumn);
        Array.Clear(_lengthColumn);
        Array.Clear(_doneColumn);
        var rewards = Inner.Rewards;
        var terminated = Inner.Terminated;
        var truncated = Inner.Truncated;
        var started = Inner.EpisodeStarted;
        for (int i = 0; i < _returns.Length; i++)
        {
            bool ended = terminated[i] || truncated[i];
            // Next-step reset: the env only produced a first observation, there was no transition.
            if (started[i] && !ended) continue;
            _returns[i] += rewards[i];
            _lengths[i]++;
            if (ended) EndEpisode(i);
        }
    }

    public override void Truncate(int env)
    {
        // The step was counted as an ordinary one; now it is the episode's last.
        if (EpisodeTruncation.Forward(Inner, env)) EndEpisode(env);
    }

    void EndEpisode(int env)
    {
        _returnColumn[env] = (float)_returns[env];
        _lengthColumn[env] = _lengths[env];
        _doneColumn[env] = true;
        _recentReturns[_recentNext] = _returns[env];
        _recentLengths[_recentNext] = _lengths[env];
        _recentNext = (_recentNext + 1) % BufferLength;
        EpisodeCount++;
        _returns[env] = 0;
        _lengths[env] = 0;
    }
}
