using Sim.Foundation;

namespace Sim.Core.Spaces;

/// <summary>Named sub-spaces laid out one after another in a flat row, as goal-conditioned tasks use.</summary>
/// <remarks>Keeping the batch buffer flat lets learners treat dict observations as plain vectors, while
/// <see cref="Slice"/> recovers each part (e.g. achieved_goal) without copying.</remarks>
public sealed class DictSpace : Space
{
    readonly (string Key, Space Space, int Offset)[] _entries;

    /// <summary>A dict space over <paramref name="entries"/>, in the given order.</summary>
    public DictSpace(params (string Key, Space Space)[] entries)
    {
        if (entries.Length == 0) throw new ArgumentException("a dict space needs at least one entry");
        _entries = new (string, Space, int)[entries.Length];
        int offset = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            if (Array.FindIndex(entries, 0, i, e => e.Key == entries[i].Key) >= 0)
                throw new ArgumentException($"dict space key '{entries[i].Key}' appears twice");
            _entries[i] = (entries[i].Key, entries[i].Space, offset);
            offset += entries[i].Space.FlatSize;
        }
        FlatSize = offset;
    }

    public override int FlatSize { get; }

    /// <summary>The keys, in layout order.</summary>
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <summary>The sub-space under <paramref name="key"/>.</summary>
    public Space this[string key] => _entries[IndexOf(key)].Space;

    /// <summary>Where <paramref name="key"/> sits in a flat row: (offset, length).</summary>
    public (int Offset, int Length) Range(string key)
    {
        var e = _entries[IndexOf(key)];
        return (e.Offset, e.Space.FlatSize);
    }

    /// <summary>The part of a flat row that holds <paramref name="key"/>.</summary>
    public ReadOnlySpan<float> Slice(ReadOnlySpan<float> row, string key)
    {
        var (offset, length) = Range(key);
        return row.Slice(offset, length);
    }

    int IndexOf(string key)
    {
        for (int i = 0; i < _entries.Length; i++)
            if (_entries[i].Key == key) return i;
        throw new KeyNotFoundException($"dict space has no key '{key}'; keys are {string.Join(", ", Keys)}");
    }

    public override void Sample(ref SimRandom rng, Span<float> destination)
    {
        CheckLength(destination, "sample destination");
        foreach (var (_, space, offset) in _entries) space.Sample(ref rng, destination.Slice(offset, space.FlatSize));
    }

    public override bool Contains(ReadOnlySpan<float> value)
    {
        if (value.Length != FlatSize) return false;
        foreach (var (_, space, offset) in _entries)
            if (!space.Contains(value.Slice(offset, space.FlatSize))) return false;
        return true;
    }

    public override void ValidateAction(ReadOnlySpan<float> row, int env)
    {
        foreach (var (_, space, offset) in _entries) space.ValidateAction(row.Slice(offset, space.FlatSize), env);
    }

    public override string ToString() => "Dict(" + string.Join(", ", _entries.Select(e => $"{e.Key}: {e.Space}")) + ")";
}
