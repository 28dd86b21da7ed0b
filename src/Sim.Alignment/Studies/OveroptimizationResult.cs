using System.Text.Json;
using System.Text.Json.Serialization;
using Sim.Foundation;

namespace Sim.Alignment.Studies;

/// <summary>What the overoptimisation study writes to <c>overoptimization.json</c>: its options, each seed's curves and
/// their mean over seeds. Studies of the same options on different seeds (run apart, e.g. on several machines) merge
/// into one.</summary>
public sealed record OveroptimizationResult(
    [property: JsonPropertyName("options")] OveroptimizationOptions Options,
    [property: JsonPropertyName("seeds")] IReadOnlyList<ulong> Seeds,
    [property: JsonPropertyName("mean")] IReadOnlyList<ProxyCurve> Mean,
    [property: JsonPropertyName("perSeed")] IReadOnlyList<SeedCurves> PerSeed)
{
    /// <summary>The file name in a study's folder.</summary>
    public const string FileName = "overoptimization.json";

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions ReadOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The result of <paramref name="options"/> (whose seed is ignored) over <paramref name="perSeed"/>, with the
    /// mean of each curve over the seeds.</summary>
    /// <exception cref="ArgumentException">No seeds, a seed twice, or seeds whose curves differ in name or order.</exception>
    public static OveroptimizationResult Of(OveroptimizationOptions options, IReadOnlyList<SeedCurves> perSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(perSeed);
        if (perSeed.Count == 0) throw new ArgumentException("no seeds: expected the curves of at least one", nameof(perSeed));
        var seeds = perSeed.Select(p => p.Seed).ToList();
        if (seeds.Distinct().Count() != seeds.Count)
            throw new ArgumentException($"seeds {string.Join(" ", seeds)}: expected each seed once", nameof(perSeed));
        var names = perSeed[0].Curves.Select(c => c.Proxy).ToList();
        foreach (var seed in perSeed)
            if (!seed.Curves.Select(c => c.Proxy).SequenceEqual(names))
                throw new ArgumentException(
                    $"seed {seed.Seed} has curves {string.Join(", ", seed.Curves.Select(c => c.Proxy))}: expected {string.Join(", ", names)} like seed {perSeed[0].Seed}", nameof(perSeed));
        var mean = names.Select((name, i) => ProxyCurve.Mean(name, perSeed.Select(p => p.Curves[i]).ToList())).ToList();
        return new OveroptimizationResult(options, seeds, mean, perSeed);
    }

    /// <summary>One result from <paramref name="results"/>, studies of the same options on different seeds.</summary>
    /// <exception cref="ArgumentException">No results, options that differ in more than the seed, or a seed in two of them.</exception>
    public static OveroptimizationResult Merge(IReadOnlyList<OveroptimizationResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("no studies to merge: expected at least one", nameof(results));
        string Shape(OveroptimizationOptions options) => JsonSerializer.Serialize(options with { Seed = 0 });
        string first = Shape(results[0].Options);
        for (int i = 1; i < results.Count; i++)
            if (Shape(results[i].Options) != first)
                throw new ArgumentException(
                    $"study {i + 1} was run with options {Shape(results[i].Options)}: expected the options of study 1 but the seed, {first}", nameof(results));
        return Of(results[0].Options, results.SelectMany(r => r.PerSeed).ToList());
    }

    /// <summary><see cref="FallStandardError"/> of every curve, in the order of <see cref="Mean"/>; written to the file for
    /// readers of the JSON, and recomputed, not read, when it is loaded.</summary>
    [JsonPropertyName("fallStandardErrors")]
    public IReadOnlyList<double?> FallStandardErrors => Enumerable.Range(0, Mean.Count).Select(FallStandardError).ToList();

    /// <summary>The standard error over seeds of curve <paramref name="curve"/>'s fall in the mean: each seed's gold at the
    /// n where the mean curve peaks minus its gold at the largest n, their sample standard deviation over √seeds. Null
    /// with fewer than two seeds. A fall of the mean smaller than about two of these is within the seeds' spread.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No curve at <paramref name="curve"/>.</exception>
    public double? FallStandardError(int curve)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(curve);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(curve, Mean.Count);
        if (PerSeed.Count < 2) return null;
        var points = Mean[curve].Points;
        int peak = Enumerable.Range(0, points.Count).MaxBy(i => points[i].Gold);
        var falls = PerSeed.Select(seed => seed.Curves[curve].Points[peak].Gold - seed.Curves[curve].Points[^1].Gold).ToList();
        double average = falls.Average();
        double variance = falls.Sum(f => (f - average) * (f - average)) / (falls.Count - 1);
        return Math.Sqrt(variance / falls.Count);
    }

    /// <summary>Writes the result to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, WriteOptions));

    /// <summary>Reads a result written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Naming the file when it is missing, not JSON, or not a study's result.</exception>
    public static OveroptimizationResult Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new InvalidDataException($"'{full}' does not exist: expected the {FileName} of a best-of-n study");
        OveroptimizationResult? result;
        try
        {
            result = JsonSerializer.Deserialize<OveroptimizationResult>(File.ReadAllText(full), ReadOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{full}' is not a best-of-n study's result: {e.Message}", e);
        }
        if (result?.Options is null || result.PerSeed is null || result.PerSeed.Count == 0 || result.PerSeed.Any(p => p?.Curves is null || p.Curves.Count == 0 || p.Curves.Any(c => c?.Points is null || c.Points.Count == 0)))
            throw new InvalidDataException($"'{full}' is not a best-of-n study's result: expected options and the curves of at least one seed");
        try
        {
            result.Options.Validate();
            return Of(result.Options, result.PerSeed);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{full}' does not hold a consistent study: {e.Message}", e);
        }
    }
}
