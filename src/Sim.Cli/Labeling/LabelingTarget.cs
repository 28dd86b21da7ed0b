using Sim.Learning.Preferences;
using Sim.Learning.Runs;

namespace Sim.Cli.Labeling;

/// <summary>Where labeling reads and writes for <c>--run</c> or <c>--labels</c>: the label store, the clip folder beside
/// it, the reward model whose agreement the page shows, and the label budget.</summary>
/// <param name="LabelsPath">The label store.</param>
/// <param name="ClipFolder">Clips rendered for its pairs.</param>
/// <param name="RewardModelPath">The reward model a run keeps rewriting (it may not exist yet).</param>
/// <param name="Budget">The run's label budget; null outside a run.</param>
internal sealed record LabelingTarget(string LabelsPath, string ClipFolder, string RewardModelPath, long? Budget)
{
    /// <summary>Name of the clip folder beside a label store.</summary>
    public const string ClipFolderName = "clips";

    /// <summary>The target of <c>--run</c> or <c>--labels</c> (exactly one of them); <paramref name="mustExist"/> refuses a
    /// label store that is not there yet.</summary>
    public static LabelingTarget Resolve(DirectoryInfo? run, FileInfo? labels, bool mustExist)
    {
        if ((run is null) == (labels is null))
            throw new ArgumentException(run is null
                ? "no label store: expected --run <run folder> or --labels <labels.db>"
                : $"both --run ('{run}') and --labels ('{labels}') were given: expected exactly one of them");
        if (run is not null)
        {
            var definition = RunDefinition.Load(RunDirectory.Open(run.FullName));
            if (definition.Config.Preference is not { } preference)
                throw new ArgumentException($"--run '{run.FullName}' is not a preference run (its reward is '{definition.Config.Reward}'): expected a run trained with --reward preference");
            return ForFolder(run.FullName, Path.Combine(run.FullName, PreferenceRewardSource.LabelStoreFileName), preference.Labels, mustExist);
        }
        string folder = Path.GetDirectoryName(labels!.FullName)!;
        return ForFolder(folder, labels.FullName, null, mustExist);
    }

    /// <summary>The target of a preference run's folder, for the site <c>sim train --teacher human</c> serves.</summary>
    public static LabelingTarget ForRun(string runFolder, long budget) =>
        ForFolder(runFolder, Path.Combine(runFolder, PreferenceRewardSource.LabelStoreFileName), budget, mustExist: false);

    static LabelingTarget ForFolder(string folder, string labels, long? budget, bool mustExist)
    {
        if (!Directory.Exists(folder)) throw new ArgumentException($"folder '{folder}' of the label store does not exist");
        if (mustExist && !File.Exists(labels))
            throw new ArgumentException($"label store '{labels}' does not exist: expected the labels.db of a preference run or one made by `sim label --trajectories`");
        return new LabelingTarget(labels, Path.Combine(folder, ClipFolderName), Path.Combine(folder, PreferenceRewardSource.RewardModelFileName), budget);
    }
}
