namespace Sim.Core.Trajectories;

/// <summary>An array that doubles when full and is reused after <see cref="Clear"/>, so recording amortizes to no allocation.</summary>
internal sealed class GrowableBuffer<T> where T : unmanaged
{
    T[] _items;

    /// <summary>An empty buffer with room for <paramref name="capacity"/> items before it first grows.</summary>
    public GrowableBuffer(int capacity = 64) => _items = new T[Math.Max(capacity, 1)];

    /// <summary>Items written so far.</summary>
    public int Count { get; private set; }

    /// <summary>The items written so far.</summary>
    public ReadOnlySpan<T> Items => _items.AsSpan(0, Count);

    /// <summary>Reserves <paramref name="length"/> items at the end and returns them for the caller to fill.</summary>
    public Span<T> Append(int length)
    {
        int needed = Count + length;
        if (needed > _items.Length)
        {
            // Doubling keeps the total copying linear in the final length.
            int capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)_items.Length * 2, needed));
            if (capacity < needed) throw new InvalidOperationException($"a recording buffer would need {needed} items, more than an array can hold");
            Array.Resize(ref _items, capacity);
        }
        var slot = _items.AsSpan(Count, length);
        Count = needed;
        return slot;
    }

    /// <summary>Appends one item.</summary>
    public void Add(T item) => Append(1)[0] = item;

    /// <summary>Forgets the items but keeps the memory for the next episode.</summary>
    public void Clear() => Count = 0;

    /// <summary>An exact-size copy of the items.</summary>
    public T[] ToArray() => Items.ToArray();
}
