using Sim.Learning.Preferences;
using Sim.Rewards.Queries;

namespace Sim.Learning.Tests.Preferences;

/// <summary>Checks the derived query schedule and the validation messages of preference-learning settings.</summary>
public sealed class PreferenceLearningOptionsTests
{
    [Fact]
    public void Unset_schedule_fields_give_ten_rounds_ending_by_half_way()
    {
        var schedule = new PreferenceLearningOptions { Labels = 500 }.ResolveSchedule(totalSteps: 150_000, defaultFirstRound: 2_048);
        Assert.Equal(500, schedule.TotalBudget);
        Assert.Equal(2_048, schedule.FirstRoundStep);
        Assert.Equal(50, schedule.BatchSize);
        // Ten rounds: the last at 2048 + 9·K ≤ 75 000, so K = ⌊(75 000 − 2048) / 9⌋ = 8105.
        Assert.Equal(8_105, schedule.Interval);
        Assert.Equal(QuerySelection.Disagreement, schedule.Selection);
    }

    [Fact]
    public void Explicit_fields_win_and_small_budgets_round_up_to_one_query_per_round()
    {
        var explicitly = new PreferenceLearningOptions { Labels = 100, LabelsPerRound = 30, RoundInterval = 5_000, FirstRoundStep = 7, Sampler = QuerySelection.Entropy }
            .ResolveSchedule(totalSteps: 1_000_000, defaultFirstRound: 123);
        Assert.Equal((7L, 30, 5_000L, QuerySelection.Entropy), (explicitly.FirstRoundStep, explicitly.BatchSize, explicitly.Interval, explicitly.Selection));
        var tiny = new PreferenceLearningOptions { Labels = 3 }.ResolveSchedule(totalSteps: 10_000, defaultFirstRound: 0);
        Assert.Equal(1, tiny.BatchSize);
        // Three rounds of one: K = max(1000, (5000 − 0) / 2) = 2500.
        Assert.Equal(2_500, tiny.Interval);
    }

    [Fact]
    public void Bad_settings_are_rejected_with_the_value_and_what_was_expected()
    {
        var teacher = Assert.Throws<ArgumentException>(() => new PreferenceLearningOptions { Teacher = "crowd" }.Validate());
        Assert.Contains("'crowd'", teacher.Message);
        Assert.Contains("oracle, stochastic, mistake, skip, equal, myopic", teacher.Message);
        var labels = Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceLearningOptions { Labels = 0 }.Validate());
        Assert.Contains("Labels = 0", labels.Message);
        var segment = Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceLearningOptions { SegmentLength = -5 }.Validate());
        Assert.Contains("SegmentLength = -5", segment.Message);
        var round = Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceLearningOptions { Labels = 10, LabelsPerRound = 50 }.Validate());
        Assert.Contains("LabelsPerRound = 50", round.Message);
        Assert.Contains("at most the label budget (10)", round.Message);
        new PreferenceLearningOptions { Labels = 10, LabelsPerRound = 10 }.Validate();
    }

    [Fact]
    public void Pearson_matches_a_hand_computed_correlation()
    {
        // x = 1, 2, 3; y = 2, 4, 7: deviations (−1, 0, 1) and (−7/3, −1/3, 8/3); Σdxdy = 5, Σdx² = 2, Σdy² = (49 + 1 + 64) / 9 = 114/9.
        double expected = 5 / Math.Sqrt(2 * 114.0 / 9);
        Assert.Equal(expected, PreferenceRewardLearner.Pearson([1f, 2f, 3f], [2f, 4f, 7f]), 6);
        Assert.True(double.IsNaN(PreferenceRewardLearner.Pearson([1f, 1f], [2f, 3f])));
    }
}
