using System.Text.Json.Serialization;

namespace Sim.Alignment.Studies;

/// <summary>The overoptimisation study's curves on one seed: the single model, the ensemble's aggregations, then each member.</summary>
public sealed record SeedCurves(
    [property: JsonPropertyName("seed")] ulong Seed,
    [property: JsonPropertyName("curves")] IReadOnlyList<ProxyCurve> Curves);
