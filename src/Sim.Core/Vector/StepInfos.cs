namespace Sim.Core;

/// <summary>Per-env side information of a step (Gymnasium's <c>infos</c>): named columns allocated once.</summary>
/// <remarks>
/// Columns are registered while the env and its wrappers are built, never during stepping, so a
/// step writes into existing arrays and allocates nothing. Reward terms use the <c>reward_</c> prefix
/// (<c>reward_forward</c>, <c>reward_ctrl</c>) so viewers, teachers and reward learners can find them.
/// </remarks>
public sealed class StepInfos
{
    /// <summary>Prefix that marks a column as a term of the env reward.</summary>
    public const string RewardPrefix = "reward_";

    readonly Dictionary<string, float[]> _values = new();
    readonly Dictionary<string, bool[]> _flags = new();
    readonly List<string> _rewardTerms = new();

    /// <summary>Creates an empty info table for <paramref name="numEnvs"/> envs.</summary>
    public StepInfos(int numEnvs) => NumEnvs = numEnvs;

    /// <summary>Number of envs (length of every column).</summary>
    public int NumEnvs { get; }

    /// <summary>Names of the value columns, in registration order of the dictionary.</summary>
    public IEnumerable<string> ValueKeys => _values.Keys;

    /// <summary>Names of the flag columns.</summary>
    public IEnumerable<string> FlagKeys => _flags.Keys;

    /// <summary>The value columns that are reward terms, in registration order.</summary>
    public IReadOnlyList<string> RewardTerms => _rewardTerms;

    /// <summary>The event captions of the last step, or null when the task emits none.</summary>
    /// <remarks>They are not part of <see cref="IStatefulEnv.SaveState"/>: a caption describes one step and is read
    /// right after it, and the next step rewrites every code, so a resumed chain never reads a stale one.</remarks>
    public StepCaptions? Captions { get; private set; }

    /// <summary>Declares the captions the task can emit and returns the code column the env writes while stepping.</summary>
    public int[] AddCaptions(IReadOnlyList<string> vocabulary)
    {
        if (Captions is not null) throw new InvalidOperationException("captions are already registered: a task declares its vocabulary once");
        Captions = new StepCaptions(NumEnvs, vocabulary);
        return Captions.Codes;
    }

    /// <summary>Registers a float column and returns its backing array; it is a reward term when its key has the
    /// <c>reward_</c> prefix or <paramref name="rewardTerm"/> says so (for keys Gymnasium names otherwise, such as
    /// InvertedDoublePendulum's <c>distance_penalty</c>).</summary>
    public float[] AddValue(string key, bool rewardTerm = false)
    {
        if (_values.ContainsKey(key) || _flags.ContainsKey(key)) throw new ArgumentException($"info key '{key}' is already registered");
        var column = new float[NumEnvs];
        _values.Add(key, column);
        if (rewardTerm || key.StartsWith(RewardPrefix, StringComparison.Ordinal)) _rewardTerms.Add(key);
        return column;
    }

    /// <summary>Registers a boolean column and returns its backing array.</summary>
    public bool[] AddFlag(string key)
    {
        if (_values.ContainsKey(key) || _flags.ContainsKey(key)) throw new ArgumentException($"info key '{key}' is already registered");
        var column = new bool[NumEnvs];
        _flags.Add(key, column);
        return column;
    }

    /// <summary>The float column <paramref name="key"/>; the error lists the keys that exist.</summary>
    public float[] Value(string key) =>
        _values.TryGetValue(key, out var v) ? v
            : throw new KeyNotFoundException($"no info value '{key}'; known values: {string.Join(", ", _values.Keys)}");

    /// <summary>The boolean column <paramref name="key"/>; the error lists the keys that exist.</summary>
    public bool[] Flag(string key) =>
        _flags.TryGetValue(key, out var v) ? v
            : throw new KeyNotFoundException($"no info flag '{key}'; known flags: {string.Join(", ", _flags.Keys)}");

    /// <summary>Whether a float column named <paramref name="key"/> exists.</summary>
    public bool TryGetValue(string key, out float[] column) => _values.TryGetValue(key, out column!);

    /// <summary>Whether a boolean column named <paramref name="key"/> exists.</summary>
    public bool TryGetFlag(string key, out bool[] column) => _flags.TryGetValue(key, out column!);

    /// <summary>Writes every column with its key, for <see cref="IStatefulEnv.SaveState"/>.</summary>
    internal void WriteState(BinaryWriter writer)
    {
        writer.Write(_values.Count);
        foreach (var (key, column) in _values)
        {
            writer.Write(key);
            writer.WriteArray<float>(column);
        }
        writer.Write(_flags.Count);
        foreach (var (key, column) in _flags)
        {
            writer.Write(key);
            writer.WriteArray<bool>(column);
        }
    }

    /// <summary>Reads columns written by <see cref="WriteState"/>; the state must hold exactly the registered keys, in any order.</summary>
    internal void ReadState(BinaryReader reader)
    {
        ReadColumns(reader, _values, "value", (r, column, what) => r.ReadArray<float>(column, what));
        ReadColumns(reader, _flags, "flag", (r, column, what) => r.ReadFlags(column, what));
    }

    static void ReadColumns<T>(BinaryReader reader, Dictionary<string, T[]> columns, string kind, Action<BinaryReader, T[], string> read)
    {
        int count = reader.ReadInt32();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadString();
            if (!columns.TryGetValue(key, out var column))
                throw new InvalidDataException(
                    $"the state has info {kind} '{key}', which this chain does not register; registered: {string.Join(", ", columns.Keys)}");
            if (!seen.Add(key)) throw new InvalidDataException($"the state has info {kind} '{key}' twice");
            read(reader, column, $"info {kind} '{key}'");
        }
        if (seen.Count != columns.Count)
            throw new InvalidDataException(
                $"the state lacks info {kind}s {string.Join(", ", columns.Keys.Where(k => !seen.Contains(k)))}, which this chain registers");
    }
}
