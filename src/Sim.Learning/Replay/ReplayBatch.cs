using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Replay;

/// <summary>A uniformly sampled minibatch of transitions on the learner's device, reused by every draw of the same size.</summary>
/// <remarks>
/// The tensors belong to the <see cref="ReplayBuffer"/> that filled them: do not dispose them, and copy what must
/// outlive the next <see cref="ReplayBuffer.Sample"/>, which overwrites them in place.
/// </remarks>
public sealed class ReplayBatch
{
    private readonly StagedTensor _observations;
    private readonly StagedTensor _actions;
    private readonly StagedTensor _rewards;
    private readonly StagedTensor _nextObservations;
    private readonly StagedTensor _terminated;
    private readonly int[] _indices;

    internal ReplayBatch(int batchSize, int observationSize, int actionSize, Device device)
    {
        BatchSize = batchSize;
        _observations = new StagedTensor(device, batchSize, observationSize);
        _actions = new StagedTensor(device, batchSize, actionSize);
        _rewards = new StagedTensor(device, batchSize);
        _nextObservations = new StagedTensor(device, batchSize, observationSize);
        _terminated = new StagedTensor(device, batchSize);
        _indices = new int[batchSize];
    }

    /// <summary>Transitions in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>Observations before each step, <c>[BatchSize, obs size]</c>.</summary>
    public Tensor Observations => _observations.Device;

    /// <summary>Actions taken, <c>[BatchSize, action size]</c>.</summary>
    public Tensor Actions => _actions.Device;

    /// <summary>Rewards as currently stored (after any relabelling), <c>[BatchSize]</c>.</summary>
    public Tensor Rewards => _rewards.Device;

    /// <summary>Observations after each step (the episode's last where it ended), <c>[BatchSize, obs size]</c>.</summary>
    public Tensor NextObservations => _nextObservations.Device;

    /// <summary>1 where the step reached a terminal state (no bootstrap), else 0, <c>[BatchSize]</c>.</summary>
    public Tensor Terminated => _terminated.Device;

    /// <summary>The buffer rows drawn, in batch order (for diagnostics and tests).</summary>
    public ReadOnlySpan<int> Indices => _indices;

    internal Span<int> WritableIndices => _indices;
    internal Span<float> HostObservations => _observations.Host;
    internal Span<float> HostActions => _actions.Host;
    internal Span<float> HostRewards => _rewards.Host;
    internal Span<float> HostNextObservations => _nextObservations.Host;
    internal Span<float> HostTerminated => _terminated.Host;

    /// <summary>Copies the host rows to the device tensors.</summary>
    internal void Upload()
    {
        _observations.Upload();
        _actions.Upload();
        _rewards.Upload();
        _nextObservations.Upload();
        _terminated.Upload();
    }

    // Called by the owning buffer when it is disposed or the batch size changes; users never free a batch.
    internal void Free()
    {
        _observations.Dispose();
        _actions.Dispose();
        _rewards.Dispose();
        _nextObservations.Dispose();
        _terminated.Dispose();
    }
}
