namespace Sim.Rewards.Queries;

/// <summary>When PEBBLE asks for labels and how many: a first (uniform) round, then <see cref="BatchSize"/> more every
/// <see cref="Interval"/> env steps until <see cref="TotalBudget"/> queries have been asked.</summary>
public sealed record QueryScheduleOptions
{
    /// <summary>Queries asked over the whole run (PEBBLE: 500–1000). Skipped answers count: the budget is of questions.</summary>
    public int TotalBudget { get; init; } = 500;

    /// <summary>Env step at which the first round is due (PEBBLE: after 1000 random and ~9000 unsupervised steps).</summary>
    public long FirstRoundStep { get; init; } = 10_000;

    /// <summary>Queries in the first round; null for <see cref="BatchSize"/>.</summary>
    public int? FirstRoundSize { get; init; }

    /// <summary>Queries B in each later round (PEBBLE walker_walk: 50).</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>Env steps K between rounds (PEBBLE walker_walk: 20 000).</summary>
    public long Interval { get; init; } = 20_000;

    /// <summary>How later rounds choose their pairs; the first round is always uniform.</summary>
    public QuerySelection Selection { get; init; } = QuerySelection.Disagreement;

    internal void Validate()
    {
        if (TotalBudget < 0) throw new ArgumentOutOfRangeException(nameof(TotalBudget), TotalBudget, $"{nameof(TotalBudget)} is {TotalBudget}: expected >= 0");
        if (FirstRoundStep < 0) throw new ArgumentOutOfRangeException(nameof(FirstRoundStep), FirstRoundStep, $"{nameof(FirstRoundStep)} is {FirstRoundStep}: expected >= 0");
        if (FirstRoundSize is int first && first < 1)
            throw new ArgumentOutOfRangeException(nameof(FirstRoundSize), first, $"{nameof(FirstRoundSize)} is {first}: expected at least 1, or null for {nameof(BatchSize)}");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{nameof(BatchSize)} is {BatchSize}: expected at least 1");
        if (Interval < 1) throw new ArgumentOutOfRangeException(nameof(Interval), Interval, $"{nameof(Interval)} is {Interval}: expected at least 1");
        if (!Enum.IsDefined(Selection))
            throw new ArgumentOutOfRangeException(nameof(Selection), Selection, $"{nameof(Selection)} {(int)Selection} is unknown: expected Uniform, Disagreement or Entropy");
    }
}
