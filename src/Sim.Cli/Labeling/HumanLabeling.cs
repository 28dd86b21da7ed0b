using Sim.Labeling;
using Sim.Learning.Preferences;
using Sim.Learning.Runs;

namespace Sim.Cli.Labeling;

/// <summary>What a run taught by people needs beside its learner: the labeling page on the run's label store (unless a
/// separate <c>sim label</c> serves it), the gold-accuracy filter, and a way out of a <c>--label-wait</c> pause.</summary>
internal sealed class HumanLabeling : IDisposable
{
    readonly LabelingHost? _host;
    readonly LabelingDatabase? _filterDatabase;

    HumanLabeling(LabelingHost? host, LabelingDatabase? filterDatabase)
    {
        _host = host;
        _filterDatabase = filterDatabase;
    }

    /// <summary>Starts serving (per <paramref name="serving"/>) and hooks the learner up; <paramref name="stop"/> ends a pause.</summary>
    public static HumanLabeling Start(RunDefinition run, PreferenceRewardLearner learner, LabelServing serving, CancellationToken stop)
    {
        var preference = PreferenceRewardSource.OptionsOf(run);
        learner.StopWaiting = stop;
        LabelingHost? host = null;
        LabelingDatabase? filterDatabase = null;
        try
        {
            if (serving.Port >= 0)
            {
                var target = LabelingTarget.ForRun(run.Directory.Path, preference.Labels);
                var options = new LabelingOptions
                {
                    Port = serving.Port,
                    Budget = preference.Labels,
                    Seed = Sim.Foundation.SeedDerivation.Derive(RunRegistry.Default.AlgorithmOf(run).Settings(run).Seed, "labeling-site"),
                    ClipFolder = target.ClipFolder,
                    RewardModelPath = target.RewardModelPath,
                    ClipSize = serving.ClipSize,
                };
                host = LabelingHost.StartAsync(target, options, [], Console.Out, progressEvery: null).GetAwaiter().GetResult();
            }
            if (preference.MinGoldAccuracy is double minimum)
            {
                var database = host?.Database ?? (filterDatabase = LabelingDatabase.Open(Path.Combine(run.Directory.Path, PreferenceRewardSource.LabelStoreFileName)));
                learner.LabelFilter = new GoldAccuracyFilter(database, minimum).Apply;
            }
            return new HumanLabeling(host, filterDatabase);
        }
        catch
        {
            host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            filterDatabase?.Dispose();
            throw;
        }
    }

    /// <summary>Stops the page and closes its connections.</summary>
    public void Dispose()
    {
        _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _filterDatabase?.Dispose();
    }
}
