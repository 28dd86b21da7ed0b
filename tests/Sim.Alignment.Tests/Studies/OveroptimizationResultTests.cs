using Sim.Alignment.BestOfN;
using Sim.Alignment.Studies;

namespace Sim.Alignment.Tests.Studies;

/// <summary>Saving, loading and merging the overoptimisation study's result: studies of one config on different seeds
/// become one, with each curve's mean over all their seeds.</summary>
public sealed class OveroptimizationResultTests
{
    static ProxyCurve Curve(string name, double accuracy, params double[] gold) =>
        new(name, accuracy, gold.Select((g, i) => new BestOfNPoint(1 << i, BestOfNEstimator.KlDivergence(1 << i), 10 * g, g)).ToList());

    static SeedCurves Seed(ulong seed, double offset) =>
        new(seed, [Curve("single", 0.6 + offset, 0, 1 + offset), Curve("ensemble: mean", 0.7, offset, 2)]);

    static readonly OveroptimizationOptions Options = new() { Pairs = 300, Members = 2, MaxN = 2, SamplesPerPrompt = 2 };

    [Fact]
    public void Merged_studies_hold_every_seed_and_the_mean_over_all_of_them()
    {
        var first = OveroptimizationResult.Of(Options with { Seed = 1 }, [Seed(1, 0.0), Seed(2, 0.5)]);
        var second = OveroptimizationResult.Of(Options with { Seed = 9 }, [Seed(3, 1.0)]);
        var merged = OveroptimizationResult.Merge([first, second]);

        Assert.Equal([1UL, 2, 3], merged.Seeds);
        // Gold of "single" at n = 2 on the three seeds: 1, 1.5, 2, so 1.5; accuracy (0.6 + 1.1 + 1.6) / 3 = 1.1.
        Assert.Equal(1.5, merged.Mean[0].Points[1].Gold, 12);
        Assert.Equal(15, merged.Mean[0].Points[1].Proxy, 12);
        Assert.Equal(1.1, merged.Mean[0].HeldOutAccuracy, 12);
        // "ensemble: mean" at n = 1: 0, 0.5, 1, so 0.5.
        Assert.Equal(0.5, merged.Mean[1].Points[0].Gold, 12);
    }

    [Fact]
    public void A_result_survives_a_save_and_load_and_the_loaded_mean_is_recomputed_from_the_seeds()
    {
        using var scratch = new ScratchDirectory();
        var result = OveroptimizationResult.Of(Options, [Seed(1, 0.0), Seed(2, 0.5)]);
        string path = scratch.File(OveroptimizationResult.FileName);
        result.Save(path);
        var loaded = OveroptimizationResult.Load(path);
        Assert.Equal(result.Seeds, loaded.Seeds);
        Assert.Equal(result.Mean.Select(c => c.Points.Select(p => p.Gold).ToArray()), loaded.Mean.Select(c => c.Points.Select(p => p.Gold).ToArray()));
        Assert.Equal(Options.Pairs, loaded.Options.Pairs);

        // A file whose stored mean was tampered with still loads with the mean of its seeds.
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"mean\"", "\"ignoredMean\""));
        Assert.Equal(1.25, OveroptimizationResult.Load(path).Mean[0].Points[1].Gold, 12);
    }

    [Fact]
    public void Studies_of_other_options_or_the_same_seed_do_not_merge_and_bad_files_are_named()
    {
        var a = OveroptimizationResult.Of(Options, [Seed(1, 0.0)]);
        var otherPairs = OveroptimizationResult.Of(Options with { Pairs = 150 }, [Seed(2, 0.0)]);
        var options = Assert.Throws<ArgumentException>(() => OveroptimizationResult.Merge([a, otherPairs]));
        Assert.Contains("study 2 was run with options", options.Message);
        Assert.Contains("\"Pairs\":150", options.Message);
        var twice = Assert.Throws<ArgumentException>(() => OveroptimizationResult.Merge([a, a]));
        Assert.Contains("seeds 1 1: expected each seed once", twice.Message);
        var names = Assert.Throws<ArgumentException>(() => OveroptimizationResult.Of(Options, [Seed(1, 0), new SeedCurves(2, [Curve("other", 0.5, 0, 1)])]));
        Assert.Contains("seed 2 has curves other", names.Message);

        using var scratch = new ScratchDirectory();
        string corrupt = scratch.File("corrupt.json");
        File.WriteAllText(corrupt, "{\"options\": {\"Pairs\": 3");
        Assert.Contains("corrupt.json' is not a best-of-n study's result", Assert.Throws<InvalidDataException>(() => OveroptimizationResult.Load(corrupt)).Message);
        string empty = scratch.File("empty.json");
        File.WriteAllText(empty, "{\"options\": {}, \"perSeed\": []}");
        Assert.Contains("expected options and the curves of at least one seed", Assert.Throws<InvalidDataException>(() => OveroptimizationResult.Load(empty)).Message);
        Assert.Contains("does not exist", Assert.Throws<InvalidDataException>(() => OveroptimizationResult.Load(scratch.File("none.json"))).Message);
    }

    [Fact]
    public void The_fall_of_the_mean_carries_its_standard_error_over_seeds()
    {
        // Gold at n = 1, 2, 4 on three seeds; the mean (0, 4/3, 5/6) peaks at n = 2, where the seeds fall by 1, 0.5 and 0
        // to n = 4: mean 0.5, sample standard deviation 0.5, standard error 0.5 / √3.
        SeedCurves Seed(ulong seed, params double[] gold) => new(seed, [Curve("single", 0.6, gold)]);
        var result = OveroptimizationResult.Of(Options, [Seed(1, 0, 2, 1), Seed(2, 0, 1, 0.5), Seed(3, 0, 1, 1)]);
        Assert.Equal(0.5, result.Mean[0].GoldFallFromPeak, 12);
        Assert.Equal(0.5 / Math.Sqrt(3), result.FallStandardError(0)!.Value, 12);
        Assert.Null(OveroptimizationResult.Of(Options, [Seed(1, 0, 2, 1)]).FallStandardError(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.FallStandardError(1));
    }
}
