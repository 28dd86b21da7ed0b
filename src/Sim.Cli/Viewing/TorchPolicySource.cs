using Sim.Core.Wrappers;
using Sim.Viewer.Interactive;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Cli.Viewing;

/// <summary>A learned policy as the viewer's action source: raw observations are normalised as in training (when the run
/// normalised them), then the policy's deterministic action (the Gaussian's mean, the most likely choice, SAC's tanh of
/// the mean) is taken.</summary>
public sealed class TorchPolicySource : IActionSource
{
    readonly nn.Module _policy;
    readonly Func<Tensor, Tensor> _act;
    readonly NormalizeObservation? _normalizer;
    readonly Device _device;
    readonly IDisposable? _owner;
    readonly int _observationSize;
    float[] _normalized = [];
    PolicySnapshot? _loaded;

    /// <summary>Acts with <paramref name="act"/> of <paramref name="policy"/> on <paramref name="device"/>.</summary>
    /// <param name="description">What the overlay says drives the envs.</param>
    /// <param name="policy">The module whose weights <see cref="Load"/> replaces.</param>
    /// <param name="act">Observations (normalised when <paramref name="normalizer"/> is given) to actions.</param>
    /// <param name="normalizer">The run's observation normaliser, or null.</param>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="device">Where the policy lives.</param>
    /// <param name="owner">Disposed with this source: whatever holds the policy's module (a trainer, an agent) and its env chain.</param>
    public TorchPolicySource(string description, nn.Module policy, Func<Tensor, Tensor> act, NormalizeObservation? normalizer, int observationSize,
        Device device, IDisposable? owner)
    {
        Description = description;
        _policy = policy;
        _act = act;
        _normalizer = normalizer;
        _observationSize = observationSize;
        _device = device;
        _owner = owner;
    }

    public string Description { get; private set; }

    /// <summary>Where newer weights come from (set by the training watcher), checked by <see cref="Refresh"/>.</summary>
    public Func<PolicySnapshot?>? Updates { get; init; }

    /// <summary>Loads the newest published weights, if they are newer than the ones in use.</summary>
    public void Refresh()
    {
        if (Updates?.Invoke() is not { } snapshot || ReferenceEquals(snapshot, _loaded)) return;
        Load(snapshot);
    }

    /// <summary>Replaces the policy's weights (and normaliser statistics) with <paramref name="snapshot"/>'s.</summary>
    public void Load(PolicySnapshot snapshot)
    {
        snapshot.LoadInto(_policy, _normalizer);
        _loaded = snapshot;
        Description = $"training policy at step {snapshot.Step:N0}";
    }

    public void Act(ReadOnlySpan<float> observations, int numEnvs, Span<float> actions)
    {
        if (observations.Length != numEnvs * _observationSize)
            throw new ArgumentException($"observations has {observations.Length} floats, expected {numEnvs} envs x {_observationSize}", nameof(observations));
        ReadOnlySpan<float> input = observations;
        if (_normalizer != null)
        {
            if (_normalized.Length != observations.Length) _normalized = new float[observations.Length];
            _normalizer.Normalize(observations, _normalized);
            input = _normalized;
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = tensor(input.ToArray(), [numEnvs, _observationSize]).to(_device);
        var result = _act(batch).to_type(ScalarType.Float32).cpu().contiguous().data<float>();
        if (result.Count != actions.Length)
            throw new InvalidOperationException($"the policy gave {result.Count} action values for {numEnvs} envs, expected {actions.Length}");
        result.CopyTo(actions);
    }

    /// <summary>Disposes the owner, which holds the policy's module.</summary>
    public void Dispose() => _owner?.Dispose();
}
