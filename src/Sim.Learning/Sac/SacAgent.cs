using Sim.Core.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>Everything SAC learns, in one module for checkpoints: the actor, twin critics, their target copies and log α.</summary>
public sealed class SacAgent : nn.Module
{
    private readonly SacActor _actor;
    private readonly SoftQNetwork _qf1;
    private readonly SoftQNetwork _qf2;
    private readonly SoftQNetwork _qf1Target;
    private readonly SoftQNetwork _qf2Target;
    private readonly Parameter _logAlpha;

    /// <summary>Builds the networks for flat observations of <paramref name="observationSize"/> floats and actions in
    /// <paramref name="actionSpace"/> (finite bounds), drawing every initial weight from <paramref name="generator"/>
    /// (a CPU generator; move the agent with <c>to(device)</c> afterwards). The target critics start as exact copies.</summary>
    public SacAgent(int observationSize, Box actionSpace, int hidden, double initialAlpha, Generator generator) : base("sac_agent")
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (!(double.IsFinite(initialAlpha) && initialAlpha > 0))
            throw new ArgumentOutOfRangeException(nameof(initialAlpha), initialAlpha, $"initialAlpha = {initialAlpha}: expected a finite value > 0");
        int actionSize = actionSpace.FlatSize;
        _actor = new SacActor(observationSize, actionSpace, hidden, generator);
        _qf1 = new SoftQNetwork("qf1", observationSize, actionSize, hidden, generator);
        _qf2 = new SoftQNetwork("qf2", observationSize, actionSize, hidden, generator);
        _qf1Target = new SoftQNetwork("qf1_target", observationSize, actionSize, hidden, generator);
        _qf2Target = new SoftQNetwork("qf2_target", observationSize, actionSize, hidden, generator);
        using (var initialLogAlpha = Math.Log(initialAlpha).ToScalar())
            _logAlpha = new Parameter(full(new long[] { 1 }, initialLogAlpha, ScalarType.Float32));
        RegisterComponents();
        // Targets learn only through Polyak averaging, so autograd need not track them.
        foreach (var p in _qf1Target.parameters()) p.requires_grad = false;
        foreach (var p in _qf2Target.parameters()) p.requires_grad = false;
        PolyakUpdate.Copy(_qf1Target.parameters().ToList(), _qf1.parameters().ToList());
        PolyakUpdate.Copy(_qf2Target.parameters().ToList(), _qf2.parameters().ToList());
    }

    /// <summary>The squashed Gaussian policy.</summary>
    public SacActor Actor => _actor;

    /// <summary>The first critic.</summary>
    public SoftQNetwork Qf1 => _qf1;

    /// <summary>The second critic.</summary>
    public SoftQNetwork Qf2 => _qf2;

    /// <summary>The slowly moving copy of <see cref="Qf1"/> used in targets.</summary>
    public SoftQNetwork Qf1Target => _qf1Target;

    /// <summary>The slowly moving copy of <see cref="Qf2"/> used in targets.</summary>
    public SoftQNetwork Qf2Target => _qf2Target;

    /// <summary>log α, shape <c>[1]</c>; trained only when the temperature is tuned automatically.</summary>
    public Parameter LogAlpha => _logAlpha;

    /// <summary>Parameters of both critics, for their shared optimizer.</summary>
    /// <remarks>Listed afresh on each call: moving the module to another device or dtype replaces its parameters.</remarks>
    public IEnumerable<Parameter> CriticParameters => _qf1.parameters().Concat(_qf2.parameters());

    /// <summary>Moves both target critics a fraction <paramref name="tau"/> towards the critics.</summary>
    public void UpdateTargets(double tau)
    {
        PolyakUpdate.Apply(_qf1Target.parameters().ToList(), _qf1.parameters().ToList(), tau);
        PolyakUpdate.Apply(_qf2Target.parameters().ToList(), _qf2.parameters().ToList(), tau);
    }
}
