using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Rollouts;

/// <summary>On-policy rollout storage: every per-step quantity PPO needs, shaped <c>[steps, envs, …]</c> and allocated once on the device.</summary>
/// <remarks>
/// The flat <c>[steps × envs, …]</c> views used to draw minibatches share the same memory, so nothing is
/// copied between collecting a rollout and learning from it.
/// </remarks>
public sealed class RolloutBuffer : IDisposable
{
    private readonly List<Tensor> _owned = new();
    private bool _disposed;

    /// <summary>Allocates storage for <paramref name="numSteps"/> × <paramref name="numEnvs"/> transitions on <paramref name="device"/>.</summary>
    public RolloutBuffer(int numSteps, int numEnvs, int observationSize, int actionSize, Device device)
    {
        if (numSteps < 1) throw new ArgumentOutOfRangeException(nameof(numSteps), numSteps, $"numSteps = {numSteps}: expected at least 1");
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"numEnvs = {numEnvs}: expected at least 1");
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize = {observationSize}: expected at least 1");
        if (actionSize < 1) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, $"actionSize = {actionSize}: expected at least 1");
        ArgumentNullException.ThrowIfNull(device);
        NumSteps = numSteps;
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        Observations = Allocate(device, numSteps, numEnvs, observationSize);
        Actions = Allocate(device, numSteps, numEnvs, actionSize);
        LogProbs = Allocate(device, numSteps, numEnvs);
        Values = Allocate(device, numSteps, numEnvs);
        Rewards = Allocate(device, numSteps, numEnvs);
        Terminated = Allocate(device, numSteps, numEnvs);
        Truncated = Allocate(device, numSteps, numEnvs);
        FinalValues = Allocate(device, numSteps, numEnvs);
        Advantages = Allocate(device, numSteps, numEnvs);
        Returns = Allocate(device, numSteps, numEnvs);
        long batch = (long)numSteps * numEnvs;
        FlatObservations = Own(Observations.view(batch, observationSize));
        FlatActions = Own(Actions.view(batch, actionSize));
        FlatLogProbs = Own(LogProbs.view(batch));
        FlatValues = Own(Values.view(batch));
        FlatAdvantages = Own(Advantages.view(batch));
        FlatReturns = Own(Returns.view(batch));
    }

    /// <summary>Vector steps per rollout.</summary>
    public int NumSteps { get; }

    /// <summary>Envs per vector step.</summary>
    public int NumEnvs { get; }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionSize { get; }

    /// <summary>Transitions held: steps × envs.</summary>
    public int BatchSize => NumSteps * NumEnvs;

    /// <summary>Observation the action was taken in, <c>[steps, envs, obs]</c>.</summary>
    public Tensor Observations { get; }

    /// <summary>Action taken, <c>[steps, envs, act]</c>.</summary>
    public Tensor Actions { get; }

    /// <summary>Log-probability of the action under the policy that collected it, <c>[steps, envs]</c>.</summary>
    public Tensor LogProbs { get; }

    /// <summary>V(observation) under the critic that collected it, <c>[steps, envs]</c>.</summary>
    public Tensor Values { get; }

    /// <summary>Reward of the step, <c>[steps, envs]</c>.</summary>
    public Tensor Rewards { get; }

    /// <summary>1 where the step ended its episode in a terminal state, <c>[steps, envs]</c>.</summary>
    public Tensor Terminated { get; }

    /// <summary>1 where the step cut its episode short (time limit, divergence), <c>[steps, envs]</c>.</summary>
    public Tensor Truncated { get; }

    /// <summary>V(final observation) where <see cref="Truncated"/> is 1, <c>[steps, envs]</c>.</summary>
    public Tensor FinalValues { get; }

    /// <summary>GAE advantages, written by <see cref="ComputeAdvantages"/>, <c>[steps, envs]</c>.</summary>
    public Tensor Advantages { get; }

    /// <summary>Value targets (advantages + values), written by <see cref="ComputeAdvantages"/>, <c>[steps, envs]</c>.</summary>
    public Tensor Returns { get; }

    /// <summary><see cref="Observations"/> as <c>[steps × envs, obs]</c>.</summary>
    public Tensor FlatObservations { get; }

    /// <summary><see cref="Actions"/> as <c>[steps × envs, act]</c>.</summary>
    public Tensor FlatActions { get; }

    /// <summary><see cref="LogProbs"/> as <c>[steps × envs]</c>.</summary>
    public Tensor FlatLogProbs { get; }

    /// <summary><see cref="Values"/> as <c>[steps × envs]</c>.</summary>
    public Tensor FlatValues { get; }

    /// <summary><see cref="Advantages"/> as <c>[steps × envs]</c>.</summary>
    public Tensor FlatAdvantages { get; }

    /// <summary><see cref="Returns"/> as <c>[steps × envs]</c>.</summary>
    public Tensor FlatReturns { get; }

    /// <summary>Records what the policy saw and did at <paramref name="step"/>.</summary>
    public void StoreAction(int step, Tensor observations, Tensor actions, Tensor logProbs, Tensor values)
    {
        CheckStep(step);
        using var scope = NewDisposeScope();
        Observations[step].copy_(observations);
        Actions[step].copy_(actions);
        LogProbs[step].copy_(logProbs);
        Values[step].copy_(values);
    }

    /// <summary>Records what the envs returned for <paramref name="step"/>'s actions.</summary>
    public void StoreOutcome(int step, Tensor rewards, Tensor terminated, Tensor truncated, Tensor finalValues)
    {
        CheckStep(step);
        using var scope = NewDisposeScope();
        Rewards[step].copy_(rewards);
        Terminated[step].copy_(terminated);
        Truncated[step].copy_(truncated);
        FinalValues[step].copy_(finalValues);
    }

    /// <summary>Fills <see cref="Advantages"/> and <see cref="Returns"/> with GAE, bootstrapping unfinished episodes from <paramref name="nextValues"/> <c>[envs]</c>.</summary>
    public void ComputeAdvantages(Tensor nextValues, double gamma, double lambda)
    {
        using var scope = NewDisposeScope();
        var (advantages, returns) = Gae.Compute(Rewards, Values, Terminated, Truncated, FinalValues, nextValues, gamma, lambda);
        Advantages.copy_(advantages);
        Returns.copy_(returns);
    }

    private void CheckStep(int step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)step >= (uint)NumSteps) throw new ArgumentOutOfRangeException(nameof(step), step, $"step = {step}: expected an index in [0, {NumSteps - 1}]");
    }

    private Tensor Allocate(Device device, params long[] shape) => Own(zeros(shape, ScalarType.Float32, device));

    // Storage lives as long as the buffer, even when the buffer is built inside a caller's dispose scope.
    private Tensor Own(Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        _owned.Add(tensor);
        return tensor;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var tensor in _owned) tensor.Dispose();
        _owned.Clear();
    }
}
