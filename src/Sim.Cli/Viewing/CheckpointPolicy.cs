using Sim.Learning.Runs;

namespace Sim.Cli.Viewing;

/// <summary>Builds the viewer's policy sources: from a run's checkpoint, or an untrained copy of a run's policy that the
/// training watcher fills with the trainer's weights.</summary>
public static class CheckpointPolicy
{
    /// <summary>Finds the run and checkpoint <paramref name="path"/> names: a run folder (its latest checkpoint) or one
    /// checkpoint folder inside a run's checkpoints folder.</summary>
    public static (RunDirectory Run, Checkpoint Checkpoint) Locate(string path)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(Path.Combine(full, RunDirectory.ConfigFileName)))
        {
            var run = RunDirectory.Open(full);
            var store = run.Checkpoints();
            return (run, store.Latest() ?? throw new FileNotFoundException($"run '{run.Path}' has no checkpoint yet: train it first", store.Directory));
        }
        // run/checkpoints/step-…
        string? runFolder = Path.GetDirectoryName(Path.GetDirectoryName(full));
        if (Directory.Exists(full) && runFolder != null && File.Exists(Path.Combine(runFolder, RunDirectory.ConfigFileName)))
            return (RunDirectory.Open(runFolder), Checkpoint.Open(full));
        throw new DirectoryNotFoundException(
            $"--checkpoint '{path}': expected a run folder written by `sim train` (with {RunDirectory.ConfigFileName}) or one of its checkpoint folders");
    }

    /// <summary>The deterministic policy of <paramref name="checkpoint"/> of <paramref name="run"/>, for envs of <paramref name="envId"/>.</summary>
    public static TorchPolicySource Load(RunDirectory run, Checkpoint checkpoint, string envId)
    {
        var definition = RunDefinition.Load(run);
        if (definition.Config.Env != envId)
            throw new ArgumentException($"--checkpoint '{run.Path}' was trained on {definition.Config.Env}, but --env is {envId}: view it with --env {definition.Config.Env}");
        string description = $"{definition.Config.Algorithm} checkpoint at step {checkpoint.Step:N0}";
        // The run's chain restores the normaliser statistics with the weights; one thread steps it, as it is never stepped.
        return Source(description, RunRegistry.Default.LoadPolicy(definition, checkpoint, Envs.Envs.Registry, envThreads: 1));
    }

    /// <summary>An untrained CPU copy of the policy <paramref name="run"/> trains, with its own observation normaliser,
    /// for the training watcher to load the snapshots <paramref name="updates"/> returns into.</summary>
    public static TorchPolicySource Untrained(RunDefinition run, Func<PolicySnapshot?> updates) =>
        Source("waiting for the trainer's weights", RunRegistry.Default.CreateUntrained(run, Envs.Envs.Registry), updates);

    static TorchPolicySource Source(string description, RunPolicy policy, Func<PolicySnapshot?>? updates = null) =>
        new(description, policy.Network.Module, policy.Act, policy.Normalizer, policy.Env.SingleObservationSpace.FlatSize, policy.Device, policy)
        {
            Updates = updates,
        };
}
