using Sim.Rewards.Queries;

namespace Sim.Rewards.Tests;

public class QueryScheduleTests
{
    static readonly QueryScheduleOptions Options = new()
    {
        TotalBudget = 520,
        FirstRoundStep = 10_000,
        FirstRoundSize = 100,
        BatchSize = 50,
        Interval = 20_000,
        Selection = QuerySelection.Entropy,
    };

    [Fact]
    public void EmitsAFirstUniformRoundThenBatchesUntilTheBudgetRunsOut()
    {
        var schedule = new QuerySchedule(Options);
        var rounds = new List<QueryRound>();
        for (long step = 0; step <= 400_000; step += 500)
            while (schedule.TryTakeRound(step, out var round)) rounds.Add(round);

        // 100 at 10k, then 50 every 20k from 30k: 100 + 8·50 = 500 by 170k, and the last 20 at 190k.
        var expected = new List<QueryRound> { new(0, 10_000, 100, QuerySelection.Uniform) };
        for (int r = 1; r <= 8; r++) expected.Add(new QueryRound(r, 10_000 + r * 20_000L, 50, QuerySelection.Entropy));
        expected.Add(new QueryRound(9, 190_000, 20, QuerySelection.Entropy));
        Assert.Equal(expected, rounds);
        Assert.True(schedule.IsExhausted);
        Assert.Equal(520, schedule.QueriesAsked);
        Assert.Null(schedule.NextRoundStep);
        Assert.False(schedule.IsDue(long.MaxValue));
    }

    [Fact]
    public void NothingIsDueBeforeTheFirstRoundStep()
    {
        var schedule = new QuerySchedule(Options);
        Assert.False(schedule.TryTakeRound(9_999, out _));
        Assert.True(schedule.IsDue(10_000));
        Assert.True(schedule.TryTakeRound(10_000, out var first));
        Assert.Equal(100, first.Size);
        Assert.False(schedule.TryTakeRound(29_999, out _));
        Assert.Equal(30_000, schedule.NextRoundStep);
        Assert.Equal(420, schedule.RemainingBudget);
    }

    [Fact]
    public void ResumeContinuesAfterTheRoundsAlreadyTaken()
    {
        var resumed = QuerySchedule.Resume(Options, roundsTaken: 3);
        Assert.Equal(200, resumed.QueriesAsked); // 100 + 50 + 50
        Assert.Equal(70_000, resumed.NextRoundStep);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => QuerySchedule.Resume(Options, roundsTaken: 11));
        Assert.Contains("allows only 10 rounds", ex.Message);
    }

    [Fact]
    public void FirstRoundSizeDefaultsToTheBatchSize()
    {
        var schedule = new QuerySchedule(new QueryScheduleOptions { TotalBudget = 120, FirstRoundStep = 0, BatchSize = 50, Interval = 10 });
        var sizes = new List<int>();
        for (long step = 0; step < 100; step++)
            if (schedule.TryTakeRound(step, out var round)) sizes.Add(round.Size);
        Assert.Equal([50, 50, 20], sizes);
    }

    [Fact]
    public void BadOptionsAreRejectedByName()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new QuerySchedule(new QueryScheduleOptions { BatchSize = 0 }));
        Assert.Contains("BatchSize is 0", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => new QuerySchedule(new QueryScheduleOptions { Interval = -5 }));
        Assert.Contains("Interval is -5", ex.Message);
    }
}
