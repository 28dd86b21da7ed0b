namespace Sim.Rewards.Labels;

/// <summary>Why a label store refused a label.</summary>
public enum LabelRejection
{
    /// <summary>No pair has the given id.</summary>
    UnknownPair,

    /// <summary>The labeler has already labelled this pair.</summary>
    DuplicateLabel,
}
