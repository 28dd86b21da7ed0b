namespace Sim.Labeling;

/// <summary>How one labeler is doing, as <c>/stats</c> shows it; null fields have no data yet.</summary>
/// <param name="Name">The labeler's name.</param>
/// <param name="Labels">Answers given (Skip included).</param>
/// <param name="GoldAnswered">Gold pairs answered.</param>
/// <param name="GoldCorrect">Gold pairs answered as the known answer.</param>
/// <param name="Agreement">Share of comparisons with other labelers' answers on the same pairs that agree (Skip left out).</param>
/// <param name="AgreementComparisons">How many such comparisons there were.</param>
/// <param name="LabelsPerHour">Answers per hour between their first and last answer.</param>
/// <param name="MedianSecondsPerLabel">Median time from a pair being shown to its answer.</param>
public sealed record LabelerStats(string Name, long Labels, long GoldAnswered, long GoldCorrect, double? Agreement, long AgreementComparisons,
    double? LabelsPerHour, double? MedianSecondsPerLabel)
{
    /// <summary>Share of gold pairs answered right; null before the first gold answer.</summary>
    public double? GoldAccuracy => GoldAnswered == 0 ? null : GoldCorrect / (double)GoldAnswered;
}
