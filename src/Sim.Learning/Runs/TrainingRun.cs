using Sim.Core;
using Sim.Learning.Training;
using TorchSharp;

namespace Sim.Learning.Runs;

/// <summary>A run built for training by <see cref="RunRegistry.BuildTraining"/>: its env chain, its trainer, the policy
/// module being trained (for the training watcher) and a one-line summary; disposing it disposes the trainer, then the env.</summary>
public sealed class TrainingRun(IVectorEnv env, ITrainer trainer, torch.nn.Module policy, string summary) : IDisposable
{
    /// <summary>The outermost env of the chain the trainer steps.</summary>
    public IVectorEnv Env { get; } = env;

    /// <summary>The trainer, a reward learner's trainer around the algorithm's when the reward is learned.</summary>
    public ITrainer Trainer { get; } = trainer;

    /// <summary>The policy module the algorithm trains.</summary>
    public torch.nn.Module Policy { get; } = policy;

    /// <summary>Envs, seed, device and (for a learned reward) where the reward comes from.</summary>
    public string Summary { get; } = summary;

    /// <inheritdoc/>
    public void Dispose()
    {
        Trainer.Dispose();
        Env.Dispose();
    }
}
