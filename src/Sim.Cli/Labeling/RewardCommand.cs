using System.CommandLine;
using System.Globalization;
using Sim.Cli.Commands;
using Sim.Labeling;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Cli.Labeling;

/// <summary><c>sim reward train</c>: trains a reward model offline from the labels of a label store and writes it as the
/// <c>reward_model.bin</c> a preference run would write.</summary>
public static class RewardCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new OfflineRewardOptions();
        var labels = new Option<FileInfo>("--labels") { Description = "Label store to train on (a run's labels.db, or one labelled with sim label)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Reward model file to write (atomically)", DefaultValueFactory = _ => new FileInfo("reward_model.bin") };
        var epochs = new Option<int>("--epochs") { Description = "Most epochs (training stops once training accuracy reaches 0.97)", DefaultValueFactory = _ => defaults.Epochs };
        var ensemble = new Option<int>("--ensemble") { Description = "Ensemble members", DefaultValueFactory = _ => defaults.EnsembleMembers };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the held-out split and the model", DefaultValueFactory = _ => 1 };
        var heldOut = new Option<double>("--held-out") { Description = "Share of the answered pairs held out to measure accuracy on (0: train on all)", DefaultValueFactory = _ => defaults.HeldOutFraction };
        var minGold = new Option<double?>("--min-gold-accuracy") { Description = "Leave out labelers whose accuracy on gold pairs is below this (once they answered 5)" };
        var torchThreads = new Option<int>("--torch-threads") { Description = "Threads torch may use", DefaultValueFactory = _ => 1 };
        var train = new Command("train", "Train a reward model from stored labels, offline") { labels, output, epochs, ensemble, seed, heldOut, minGold, torchThreads };
        train.SetAction(parse =>
        {
            var store = parse.GetValue(labels)!;
            var outFile = parse.GetValue(output)!;
            var options = new OfflineRewardOptions
            {
                Epochs = parse.GetValue(epochs),
                EnsembleMembers = parse.GetValue(ensemble),
                Seed = parse.GetValue(seed),
                HeldOutFraction = parse.GetValue(heldOut),
            };
            options.Validate();
            int threads = parse.GetValue(torchThreads);
            if (threads < 1) throw new ArgumentException($"--torch-threads = {threads}: expected at least 1");
            double? minimum = parse.GetValue(minGold);
            if (minimum is double m && !(m >= 0 && m <= 1)) throw new ArgumentException($"--min-gold-accuracy = {m}: expected an accuracy in [0, 1]");
            if (!store.Exists) throw new FileNotFoundException($"--labels '{store.FullName}' does not exist: expected a label store (labels.db)", store.FullName);
            OutputPath.RequireWritableFile("--out", outFile);

            var (answers, excluded) = ReadLabels(store.FullName, minimum);
            TorchSharp.torch.set_num_threads(threads);
            if (excluded.Count > 0) Console.WriteLine($"left out {excluded.Count} labeler{(excluded.Count == 1 ? "" : "s")} below gold accuracy {minimum:0.##}: {string.Join(", ", excluded.Order())}");
            var result = OfflineRewardTrainer.Train(answers, options, outFile.FullName, store.FullName);
            var report = result.Report;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trained on {result.TrainingLabels} labels from {result.Labelers} labeler{(result.Labelers == 1 ? "" : "s")}, {report.Epochs} epochs: training accuracy {report.Accuracy:0.000}"));
            Console.WriteLine(report.HeldOutAccuracy is double accuracy
                ? string.Create(CultureInfo.InvariantCulture, $"held-out accuracy {accuracy:0.000} on {result.HeldOutLabels} labels")
                : result.HeldOutLabels > 0 ? $"held-out accuracy: none of the {result.HeldOutLabels} held-out labels has a side (all Equal)" : "held-out accuracy: nothing held out");
            Console.WriteLine($"reward model written to {outFile.FullName}");
            return 0;
        });
        return new Command("reward", "Reward models outside a run") { train };
    }

    // Gold accuracy lives in the labeling tables, so filtering opens the store as the site does; otherwise it is only read.
    static (IReadOnlyList<LabeledPair<Segment>> Answers, IReadOnlySet<string> Excluded) ReadLabels(string path, double? minimum)
    {
        if (minimum is not double threshold)
        {
            using var store = SegmentCodec.OpenStoreReadOnly(path);
            return (store.GetLabeledPairs(), new HashSet<string>());
        }
        using var database = LabelingDatabase.Open(path);
        var filter = new GoldAccuracyFilter(database, threshold);
        return (filter.Apply(database.Store.GetLabeledPairs()), filter.ExcludedLabelers());
    }
}
