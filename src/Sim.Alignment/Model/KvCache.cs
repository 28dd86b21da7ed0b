using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>The keys and values every block has computed for the tokens decoded so far, so that each new token attends
/// to them without recomputing the prefix: one token costs O(length) instead of a full forward pass of O(length²).</summary>
/// <remarks>Allocated once for the longest sequence (<c>[batch, heads, capacity, headWidth]</c> per block) and written in
/// place, so decoding allocates no growing tensors.</remarks>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <summary>An empty cache for <paramref name="batch"/> sequences of up to <paramref name="capacity"/> tokens.</summary>
    public KvCache(TransformerConfig config, long batch, long capacity, Device device, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (capacity < 1 || capacity > config.ContextLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity = {capacity}: expected 1 to the context length {config.ContextLength}");
        Capacity = capacity;
        _keys = new Tensor[config.Layers];
        _values = new Tensor[config.Layers];
        for (int layer = 0; layer < config.Layers; layer++)
        {
            _keys[layer] = zeros(new long[] { batch, config.Heads, capacity, config.HeadWidth }, dtype, device);
            _values[layer] = zeros(new long[] { batch, config.Heads, capacity, config.HeadWidth }, dtype, device);
        }
    }

    /// <summary>Tokens held.</summary>
    public long Length { get; private set; }

    /// <summary>Tokens the cache can hold.</summary>
    public long Capacity { get; }

    /// <summary>Writes the keys and values of <paramref name="layer"/> for the new tokens at <see cref="Length"/> and
    /// returns views of all keys and values so far, <c>[batch, heads, Length + new, headWidth]</c>.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        long added = keys.shape[2];
        if (Length + added > Capacity)
            throw new InvalidOperationException($"the cache holds {Length} of {Capacity} tokens: {added} more do not fit");
        using (no_grad())
        {
            _keys[layer].narrow(2, Length, added).copy_(keys);
            _values[layer].narrow(2, Length, added).copy_(values);
        }
        return (_keys[layer].narrow(2, 0, Length + added), _values[layer].narrow(2, 0, Length + added));
    }

    /// <summary>Counts <paramref name="added"/> tokens as held, once every block has appended them.</summary>
    internal void Advance(long added) => Length += added;

    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
