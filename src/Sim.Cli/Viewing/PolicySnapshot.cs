using Sim.Core.Wrappers;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Cli.Viewing;

/// <summary>A host copy of a policy's tensors and of its observation normaliser's statistics, taken on the trainer's thread
/// and loaded into another copy of the policy on the viewer's thread.</summary>
/// <remarks>Immutable once made, so it is handed between threads by publishing the reference: neither side waits.</remarks>
public sealed class PolicySnapshot
{
    readonly (string Name, long[] Shape, float[] Values)[] _tensors;
    readonly double[]? _mean;
    readonly double[]? _variance;
    readonly double _count;

    PolicySnapshot((string, long[], float[])[] tensors, double[]? mean, double[]? variance, double count, long step)
    {
        _tensors = tensors;
        _mean = mean;
        _variance = variance;
        _count = count;
        Step = step;
    }

    /// <summary>The trainer's env step count when the copy was taken.</summary>
    public long Step { get; }

    /// <summary>Copies <paramref name="policy"/>'s parameters and buffers, and <paramref name="normalizer"/>'s statistics.</summary>
    public static PolicySnapshot Take(nn.Module policy, NormalizeObservation? normalizer, long step)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tensors = policy.state_dict()
            .Select(kv => (kv.Key, kv.Value.shape, kv.Value.detach().to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray()))
            .ToArray();
        return new PolicySnapshot(tensors, normalizer?.Statistics.Mean.ToArray(), normalizer?.Statistics.Variance.ToArray(),
            normalizer?.Statistics.Count ?? 0, step);
    }

    /// <summary>Loads the copy into <paramref name="policy"/> (built with the same shapes) and <paramref name="normalizer"/>.</summary>
    public void LoadInto(nn.Module policy, NormalizeObservation? normalizer)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var state = policy.state_dict();
        using (var noGrad = no_grad())
        {
            foreach (var (name, shape, values) in _tensors)
            {
                if (!state.TryGetValue(name, out var target))
                    throw new InvalidOperationException($"policy snapshot has tensor '{name}', which the viewer's copy of the policy lacks");
                using var scope = NewDisposeScope();
                target.copy_(tensor(values, shape).to_type(target.dtype).to(target.device));
            }
        }
        if (normalizer != null && _mean != null && _variance != null)
        {
            normalizer.Statistics.Clear();
            normalizer.Statistics.Combine(_mean, _variance, _count);
            normalizer.StatisticsChanged();
        }
    }
}
