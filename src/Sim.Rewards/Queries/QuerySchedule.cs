namespace Sim.Rewards.Queries;

/// <summary>Tells the training loop when a query round is due and how many labels to ask for, until the budget runs out.</summary>
/// <remarks>
/// Round r is due at <c>FirstRoundStep + r · Interval</c>. Each <see cref="TryTakeRound"/> hands out at most one round,
/// so a loop that skips past several due steps gets the missed rounds on its following calls.
/// </remarks>
public sealed class QuerySchedule
{
    readonly QueryScheduleOptions _options;

    /// <summary>A schedule with no rounds taken yet.</summary>
    public QuerySchedule(QueryScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>A schedule that has already handed out <paramref name="roundsTaken"/> rounds, e.g. when resuming from a
    /// label store whose last round was <c>roundsTaken − 1</c>.</summary>
    public static QuerySchedule Resume(QueryScheduleOptions options, int roundsTaken)
    {
        var schedule = new QuerySchedule(options);
        if (roundsTaken < 0) throw new ArgumentOutOfRangeException(nameof(roundsTaken), roundsTaken, $"rounds taken is {roundsTaken}: expected >= 0");
        for (int i = 0; i < roundsTaken; i++)
        {
            if (!schedule.TryTakeRound(long.MaxValue, out _))
                throw new ArgumentOutOfRangeException(nameof(roundsTaken), roundsTaken,
                    $"rounds taken is {roundsTaken}, but a budget of {options.TotalBudget} allows only {schedule.RoundsTaken} rounds");
        }
        return schedule;
    }

    /// <summary>The schedule's settings.</summary>
    public QueryScheduleOptions Options => _options;

    /// <summary>Rounds handed out so far.</summary>
    public int RoundsTaken { get; private set; }

    /// <summary>Queries handed out so far.</summary>
    public int QueriesAsked { get; private set; }

    /// <summary>Queries still to be asked.</summary>
    public int RemainingBudget => _options.TotalBudget - QueriesAsked;

    /// <summary>Whether every query of the budget has been handed out.</summary>
    public bool IsExhausted => RemainingBudget <= 0;

    /// <summary>Env step at which the next round is due, or null when the budget is spent.</summary>
    public long? NextRoundStep => IsExhausted ? null : _options.FirstRoundStep + RoundsTaken * _options.Interval;

    /// <summary>Whether a round is due at env step <paramref name="envStep"/>.</summary>
    public bool IsDue(long envStep) => NextRoundStep is long due && envStep >= due;

    /// <summary>If a round is due at <paramref name="envStep"/>, hands it out (counting its queries against the budget) and returns true.</summary>
    public bool TryTakeRound(long envStep, out QueryRound round)
    {
        if (NextRoundStep is not long due || envStep < due)
        {
            round = default;
            return false;
        }
        int wanted = RoundsTaken == 0 ? _options.FirstRoundSize ?? _options.BatchSize : _options.BatchSize;
        int size = Math.Min(wanted, RemainingBudget);
        round = new QueryRound(RoundsTaken, due, size, RoundsTaken == 0 ? QuerySelection.Uniform : _options.Selection);
        RoundsTaken++;
        QueriesAsked += size;
        return true;
    }
}
