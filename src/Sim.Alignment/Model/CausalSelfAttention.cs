using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>Multi-head causal self-attention with rotary positions, reading keys and values from a <see cref="KvCache"/>
/// when one is given.</summary>
public sealed class CausalSelfAttention : nn.Module
{
    // A large finite value rather than −∞: a left-padding query sees only masked keys, and −∞ would make its softmax NaN,
    // which then leaks through 0·NaN into real rows; exp(−1e9) is exactly 0 in float32 for every row with a real key.
    internal const double MaskedScore = -1e9;

    // The fill of masked scores, alive as long as the process (see Sim.Torch.TorchScalars).
    private static readonly Scalar MaskedScoreScalar = MaskedScore.ToScalar();

    private readonly Linear _qkv;
    private readonly Linear _output;
    private readonly int _heads;
    private readonly int _headWidth;
    private readonly double _ropeBase;
    // 1/√(head width), made once: the module keeps it alive for every forward pass (see Sim.Torch.TorchScalars).
    private readonly Scalar _scoreScale;

    /// <summary>The attention of one block of <paramref name="config"/>.</summary>
    public CausalSelfAttention(TransformerConfig config) : base(nameof(CausalSelfAttention))
    {
        _heads = config.Heads;
        _headWidth = config.HeadWidth;
        _ropeBase = config.RopeBase;
        _scoreScale = (1.0 / Math.Sqrt(_headWidth)).ToScalar();
        _qkv = nn.Linear(config.Width, 3 * config.Width);
        _output = nn.Linear(config.Width, config.Width);
        RegisterComponents();
    }

    /// <summary>The attention output for <paramref name="x"/>, <c>[batch, len, width]</c>.</summary>
    /// <param name="x">The normalised residual stream of the new tokens.</param>
    /// <param name="positions">Each new token's position, <c>[batch, len]</c> int64.</param>
    /// <param name="keyMask">1 for real and 0 for padding keys over the cache and the new tokens, <c>[batch, keys]</c>, or null when every key is real.</param>
    /// <param name="cache">Keys and values of earlier tokens, appended to; null for a whole sequence at once.</param>
    /// <param name="layer">This block's index in the cache.</param>
    public Tensor Forward(Tensor x, Tensor positions, Tensor? keyMask, KvCache? cache, int layer)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], length = x.shape[1];
        var qkv = _qkv.forward(x).view(batch, length, 3, _heads, _headWidth).permute(2, 0, 3, 1, 4);   // [3, batch, heads, len, hw]
        var queries = RotaryEmbedding.Apply(qkv[0], positions, _ropeBase);
        var keys = RotaryEmbedding.Apply(qkv[1], positions, _ropeBase);
        var values = qkv[2];
        long past = cache?.Length ?? 0;
        if (cache is not null) (keys, values) = cache.Append(layer, keys, values);

        var scores = queries.matmul(keys.transpose(-2, -1)).mul(_scoreScale);                         // [batch, heads, len, keys]
        long keyCount = keys.shape[2];
        // Query i (absolute index past + i) sees keys 0 … past + i.
        var future = ones(length, keyCount, dtype: ScalarType.Bool, device: x.device).triu(past + 1);
        scores = scores.masked_fill(future, MaskedScoreScalar);
        if (keyMask is not null)
            scores = scores.masked_fill(keyMask.eq(Zero).view(batch, 1, 1, keyCount), MaskedScoreScalar);
        var attended = scores.softmax(-1).matmul(values);                                            // [batch, heads, len, hw]
        var merged = attended.transpose(1, 2).reshape(batch, length, _heads * _headWidth);
        return _output.forward(merged).MoveToOuterDisposeScope();
    }
}
