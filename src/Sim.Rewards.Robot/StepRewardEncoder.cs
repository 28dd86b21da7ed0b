using Sim.Rewards.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot;

/// <summary>A robot reward encoder: an MLP gives each (obs‖act) step a reward, and a segment scores the sum of its real
/// steps' rewards (PEBBLE's reward model).</summary>
public sealed class StepRewardEncoder : RewardEncoder, IStepRewardNetwork
{
    private readonly ModuleList<Linear> _layers;
    private readonly StepActivation _activation;
    private readonly bool _tanhOutput;
    // A field rather than a temporary: libtorch reads it during every leaky_relu call.
    private readonly Scalar _leakySlope;

    /// <summary>Builds the network of <paramref name="config"/>, drawing its initial weights from <paramref name="generator"/>
    /// (PyTorch's default <c>nn.Linear</c> initialisation, U(±1/√fan_in)) so that a seed alone fixes them.</summary>
    public StepRewardEncoder(StepEncoderConfig config, Generator generator) : base(nameof(StepRewardEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(generator);
        config.Validate();
        Config = config;
        _activation = config.Activation;
        _tanhOutput = config.TanhOutput;
        _leakySlope = config.LeakySlope.ToScalar();
        var layers = new List<Linear>();
        int inputs = config.InputSize;
        for (int i = 0; i < config.HiddenLayers; i++)
        {
            layers.Add(SeededLinear.Create(inputs, config.HiddenSize, generator));
            inputs = config.HiddenSize;
        }
        layers.Add(SeededLinear.Create(inputs, 1, generator));
        _layers = nn.ModuleList(layers.ToArray());
        RegisterComponents();
    }

    /// <summary>The network's shape.</summary>
    public StepEncoderConfig Config { get; }

    /// <summary>The reward of each step row: <c>[…, obs+act]</c> → <c>[…]</c>.</summary>
    public Tensor StepRewards(Tensor steps)
    {
        using var scope = NewDisposeScope();
        var hidden = steps;
        for (int i = 0; i < _layers.Count - 1; i++)
        {
            var linear = _layers[i].forward(hidden);
            hidden = _activation switch
            {
                StepActivation.LeakyRelu => linear.leaky_relu(_leakySlope),
                StepActivation.Relu => linear.relu(),
                _ => linear.tanh(),
            };
        }
        var output = _layers[^1].forward(hidden).squeeze(-1);
        if (_tanhOutput) output = output.tanh();
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>The reward of every step, <c>[batch, steps, obs+act]</c> → <c>[batch, steps]</c>, padding included: the
    /// objectives sum the real steps (<see cref="Objectives.ItemScores"/>), so a segment scores the sum of its step rewards.</summary>
    public override Tensor forward(Tensor inputs, Tensor mask) => StepRewards(inputs);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _leakySlope.Dispose();
        base.Dispose(disposing);
    }
}
