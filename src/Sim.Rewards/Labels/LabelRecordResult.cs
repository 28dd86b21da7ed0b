namespace Sim.Rewards.Labels;

/// <summary>What became of one answer of a <see cref="LabelStore{TItem}.RecordLabels"/> batch: its label id, or why it was refused.</summary>
public readonly record struct LabelRecordResult(long? LabelId, LabelRejectedException? Rejection);
