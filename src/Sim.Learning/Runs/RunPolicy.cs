using Sim.Core;
using Sim.Core.Wrappers;
using static TorchSharp.torch;

namespace Sim.Learning.Runs;

/// <summary>A run's deterministic policy with the env chain it acts in, as <see cref="RunRegistry"/> builds it for
/// evaluation, the viewer and the training watcher; disposing it disposes both.</summary>
/// <remarks>The chain's normalisers are frozen: acting must not move the statistics the policy was trained with.</remarks>
public sealed class RunPolicy : IDisposable
{
    readonly IDisposable[] _owners;

    /// <summary>Takes ownership of <paramref name="env"/>, <paramref name="network"/>'s owner and <paramref name="owners"/>.</summary>
    public RunPolicy(IVectorEnv env, PolicyNetwork network, ulong trainingSeed, params IDisposable[] owners)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(network);
        Env = env;
        Network = network;
        TrainingSeed = trainingSeed;
        _owners = owners;
        var chain = env as VectorEnvWrapper;
        Normalizer = chain?.Find<NormalizeObservation>();
        if (Normalizer is not null) Normalizer.Training = false;
        if (chain?.Find<NormalizeReward>() is { } rewards) rewards.Training = false;
    }

    /// <summary>The env chain the run trains in (its observation normaliser restored from the checkpoint, when it has one).</summary>
    public IVectorEnv Env { get; }

    /// <summary>The policy module and its deterministic action.</summary>
    public PolicyNetwork Network { get; }

    /// <summary>The chain's observation normaliser, frozen; null when the run does not normalise observations.</summary>
    public NormalizeObservation? Normalizer { get; }

    /// <summary>The seed the run trained with.</summary>
    public ulong TrainingSeed { get; }

    /// <summary>Where the policy's tensors live.</summary>
    public Device Device => Network.Device;

    /// <summary>Deterministic actions for <paramref name="observations"/> (on <see cref="Device"/>, normalised as in training).</summary>
    public Tensor Act(Tensor observations) => Network.Act(observations);

    /// <inheritdoc/>
    public void Dispose()
    {
        Network.Owner.Dispose();
        foreach (var owner in _owners) owner.Dispose();
        Env.Dispose();
    }
}
