using Sim.Foundation;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Labeling;

/// <summary>Trains a reward model from labels already in a store, away from any run: the reward core's ensemble trained
/// with the Bradley–Terry objective on the stored segments, saved as the same <c>reward_model.bin</c> a preference run
/// writes (so anything that loads a run's reward model loads this one).</summary>
/// <remarks>Held-out answers are chosen by pair, so a pair answered by several labelers is either trained on or held
/// out, never both; the split is drawn from the seed, so a rerun holds out the same pairs.</remarks>
public static class OfflineRewardTrainer
{
    /// <summary>Trains on <paramref name="labels"/> (Skip answers are ignored) per <paramref name="options"/> and saves the
    /// model to <paramref name="outputPath"/> atomically.</summary>
    /// <param name="source">The store the labels came from, named in errors.</param>
    /// <exception cref="ArgumentException">No Left, Right or Equal answer, too few pairs for a held-out split, or segments of
    /// different sizes.</exception>
    public static OfflineRewardResult Train(IReadOnlyList<LabeledPair<Segment>> labels, OfflineRewardOptions options, string outputPath, string source)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options.Validate();
        var answered = labels.Where(l => l.Label is PreferenceLabel.Left or PreferenceLabel.Right or PreferenceLabel.Equal).ToList();
        if (answered.Count == 0)
            throw new ArgumentException($"label store '{source}' holds no answer to train on: expected Left, Right or Equal labels (from the labeling page, a run or sim labels import)");
        var first = answered[0].Pair.Left;
        foreach (var label in answered)
            foreach (var segment in (Segment[])[label.Pair.Left, label.Pair.Right])
                if (segment.ObservationSize != first.ObservationSize || segment.ActionSize != first.ActionSize)
                    throw new ArgumentException($"label store '{source}': pair {label.Pair.Id} has a segment of {segment.EnvId} with {segment.ObservationSize} observation and {segment.ActionSize} action values: expected {first.ObservationSize} and {first.ActionSize} like the rest (one env per reward model)");

        var (training, heldOut) = Split(answered, options, source);
        var config = RobotRewardModelConfig.Pebble(first.ObservationSize, first.ActionSize, SeedDerivation.Derive(options.Seed, "reward-model")) with { Normalization = options.Normalization };
        config = config with
        {
            Encoder = config.Encoder with { TanhOutput = options.TanhOutput },
            Ensemble = config.Ensemble with { Members = options.EnsembleMembers, MaxEpochs = options.Epochs },
        };
        using var model = new RobotRewardModel(config);
        var report = model.Train(training, heldOut.Count > 0 ? heldOut : null);
        model.Save(outputPath);
        return new OfflineRewardResult(training.Count, heldOut.Count, answered.Select(l => l.LabelerId).Distinct().Count(), report);
    }

    static (List<LabeledPair<Segment>> Training, List<LabeledPair<Segment>> HeldOut) Split(List<LabeledPair<Segment>> answered, OfflineRewardOptions options, string source)
    {
        if (options.HeldOutFraction == 0) return (answered, []);
        long[] pairIds = answered.Select(l => l.Pair.Id).Distinct().Order().ToArray();
        int heldOutPairs = (int)Math.Round(pairIds.Length * options.HeldOutFraction);
        if (heldOutPairs == 0) heldOutPairs = 1;
        if (heldOutPairs >= pairIds.Length)
            throw new ArgumentException($"label store '{source}' has {pairIds.Length} answered pair{(pairIds.Length == 1 ? "" : "s")}: too few to hold out {options.HeldOutFraction:0.##} of them and train on the rest; expected more labels, or --held-out 0");
        var rng = new SimRandom(SeedDerivation.Derive(options.Seed, "held-out-split"));
        rng.Shuffle(pairIds.AsSpan());
        var heldOutIds = pairIds.Take(heldOutPairs).ToHashSet();
        return (answered.Where(l => !heldOutIds.Contains(l.Pair.Id)).ToList(), answered.Where(l => heldOutIds.Contains(l.Pair.Id)).ToList());
    }
}
