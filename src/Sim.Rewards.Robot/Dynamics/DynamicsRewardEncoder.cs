using Sim.Rewards.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot.Dynamics;

/// <summary>REED's reward network: a state encoder f_s and an action encoder f_a (each Linear + LeakyReLU), a trunk
/// z_sa = 3×[Linear 256 + LeakyReLU] over [f_s ‖ f_a], and a step-reward head on z_sa; plus the heads of the next-state
/// consistency objective (a next-state predictor, a projector and SimSiam's predictor), which only that objective trains.</summary>
/// <remarks>The encoders (f_s, f_a and the trunk) are what <see cref="DynamicsPretrainer"/> trains on every transition and
/// copies into each reward-ensemble member with <see cref="CopyEncodersFrom"/>. The consistency heads are submodules, so
/// the same network serves as the pre-trained model and, through <see cref="Objectives.IAuxiliaryObjective"/>, as an
/// ensemble member trained on both objectives at once.</remarks>
public sealed class DynamicsRewardEncoder : RewardEncoder, IStepRewardNetwork
{
    private readonly Linear _state;
    private readonly Linear _action;
    private readonly ModuleList<Linear> _trunk;
    private readonly Linear _reward;
    private readonly Linear _nextState;
    private readonly Linear _projector;
    private readonly Linear _predictorHidden;
    private readonly Linear _predictorOutput;
    private readonly StateStandardizer? _standardizer;
    private readonly bool _tanhOutput;
    private readonly int _observationSize;
    private readonly int _actionSize;
    // A field rather than a temporary: libtorch reads it during every leaky_relu call.
    private readonly Scalar _leakySlope;

    /// <summary>Builds the network, drawing every initial weight from <paramref name="generator"/> in a fixed order. The
    /// trunk's width, depth, leaky slope and output squashing come from <paramref name="trunk"/>, whose activation must be
    /// <see cref="StepActivation.LeakyRelu"/> (REED's).</summary>
    public DynamicsRewardEncoder(StepEncoderConfig trunk, DynamicsEncoderConfig parts, Generator generator) : base(nameof(DynamicsRewardEncoder))
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(generator);
        Validate(trunk, parts);
        TrunkConfig = trunk;
        Parts = parts;
        _observationSize = trunk.ObservationSize;
        _actionSize = trunk.ActionSize;
        _tanhOutput = trunk.TanhOutput;
        _leakySlope = trunk.LeakySlope.ToScalar();
        _state = SeededLinear.Create(trunk.ObservationSize, parts.StateEmbedding, generator);
        _action = SeededLinear.Create(trunk.ActionSize, parts.ActionEmbedding, generator);
        var layers = new List<Linear>();
        int inputs = parts.StateEmbedding + parts.ActionEmbedding;
        for (int i = 0; i < trunk.HiddenLayers; i++)
        {
            layers.Add(SeededLinear.Create(inputs, trunk.HiddenSize, generator));
            inputs = trunk.HiddenSize;
        }
        _trunk = nn.ModuleList(layers.ToArray());
        _reward = SeededLinear.Create(inputs, 1, generator);
        _nextState = SeededLinear.Create(inputs, parts.StateEmbedding, generator);
        _projector = SeededLinear.Create(parts.StateEmbedding, parts.ProjectionSize, generator);
        _predictorHidden = SeededLinear.Create(parts.ProjectionSize, parts.PredictorHidden, generator);
        _predictorOutput = SeededLinear.Create(parts.PredictorHidden, parts.ProjectionSize, generator);
        // Last, and only when asked for, so that the weights drawn and the saved layout of REED's network stay as they were.
        if (parts.StandardizeStates) _standardizer = new StateStandardizer(trunk.ObservationSize);
        RegisterComponents();
    }

    /// <summary>Width, depth, slope and output squashing of the trunk and reward head, and the input sizes.</summary>
    public StepEncoderConfig TrunkConfig { get; }

    /// <summary>Sizes of the state and action encoders and of the consistency heads.</summary>
    public DynamicsEncoderConfig Parts { get; }

    /// <summary>The modules shared with the reward ensemble, in a fixed order: f_s, f_a, the trunk, then the state
    /// standardisation when there is one.</summary>
    public IReadOnlyList<nn.Module> Encoders => _standardizer is null ? [_state, _action, _trunk] : [_state, _action, _trunk, _standardizer];

    /// <summary>The standardisation of states before f_s; null when states go in as they are.</summary>
    public StateStandardizer? Standardizer => _standardizer;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field that this network cannot be built from.</summary>
    public static void Validate(StepEncoderConfig trunk, DynamicsEncoderConfig parts)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(parts);
        trunk.Validate();
        parts.Validate();
        if (trunk.ActionSize < 1)
            throw new ArgumentOutOfRangeException(nameof(trunk), trunk.ActionSize, $"ActionSize = {trunk.ActionSize}: a dynamics-aware reward needs actions (at least 1 float per action)");
        if (trunk.Activation != StepActivation.LeakyRelu)
            throw new ArgumentOutOfRangeException(nameof(trunk), trunk.Activation, $"Activation = {trunk.Activation}: a dynamics-aware reward uses LeakyRelu, REED's");
    }

    /// <summary>f_s(s): <c>[…, obs]</c> → <c>[…, state embedding]</c>.</summary>
    public Tensor EncodeStates(Tensor states)
    {
        if (_standardizer is null) return _state.forward(states).leaky_relu(_leakySlope);
        using var scope = NewDisposeScope();
        return _state.forward(_standardizer.forward(states)).leaky_relu(_leakySlope).MoveToOuterDisposeScope();
    }

    /// <summary>z_sa, the trunk over [f_s(s) ‖ f_a(a)]: <c>[…, obs]</c>, <c>[…, act]</c> → <c>[…, hidden]</c>.</summary>
    public Tensor Embed(Tensor states, Tensor actions)
    {
        using var scope = NewDisposeScope();
        var hidden = cat([EncodeStates(states), _action.forward(actions).leaky_relu(_leakySlope)], -1);
        foreach (var layer in _trunk) hidden = layer.forward(hidden).leaky_relu(_leakySlope);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor StepRewards(Tensor steps)
    {
        using var scope = NewDisposeScope();
        var embedded = Embed(steps.narrow(-1, 0, _observationSize), steps.narrow(-1, _observationSize, _actionSize));
        var output = _reward.forward(embedded).squeeze(-1);
        if (_tanhOutput) output = output.tanh();
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>The reward of every step, <c>[batch, steps, obs+act]</c> → <c>[batch, steps]</c>, padding included (the
    /// objectives sum the real steps).</summary>
    public override Tensor forward(Tensor inputs, Tensor mask) => StepRewards(inputs);

    /// <summary>The predicted next-state embedding of each (s, a), projected: p = pred(proj(Linear(z_sa))) with SimSiam's
    /// predictor, proj(Linear(z_sa)) without it (the contrastive variant). <c>[batch, projection]</c>.</summary>
    public Tensor PredictNext(Tensor states, Tensor actions, bool withPredictor)
    {
        using var scope = NewDisposeScope();
        var projected = _projector.forward(_nextState.forward(Embed(states, actions)));
        if (withPredictor) projected = _predictorOutput.forward(_predictorHidden.forward(projected).relu());
        return projected.MoveToOuterDisposeScope();
    }

    /// <summary>The target z′ = proj(f_s(s′)), computed without gradient: no gradient reaches f_s or the projector
    /// through the target branch. <c>[batch, projection]</c>.</summary>
    public Tensor ProjectTarget(Tensor nextStates)
    {
        using var noGrad = no_grad();
        return _projector.forward(EncodeStates(nextStates));
    }

    /// <summary>Copies f_s, f_a and the trunk of <paramref name="source"/> (and its state statistics, when standardising) into
    /// this network; the reward and consistency heads stay as they are.</summary>
    /// <exception cref="ArgumentException">When the two networks' encoders differ in shape.</exception>
    public void CopyEncodersFrom(DynamicsRewardEncoder source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (ReferenceEquals(source, this)) return;
        var from = source.Encoders.SelectMany(m => m.parameters().Concat(m.buffers())).ToArray();
        var to = Encoders.SelectMany(m => m.parameters().Concat(m.buffers())).ToArray();
        if (from.Length != to.Length || from.Zip(to).Any(p => !p.First.shape.SequenceEqual(p.Second.shape)))
            throw new ArgumentException("the source's state, action or trunk layers differ in shape from this network's: expected encoders built from the same configs", nameof(source));
        using var noGrad = no_grad();
        for (int i = 0; i < to.Length; i++) to[i].copy_(from[i]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _leakySlope.Dispose();
        base.Dispose(disposing);
    }
}
