using Sim.Rewards.Preferences;

namespace Sim.Rewards.Labels;

/// <summary>Where a teacher's answers go, whenever they are given: a <see cref="LabelStore{TItem}"/>, which commits each
/// one durably.</summary>
public interface ILabelSink
{
    /// <summary>Records <paramref name="labelerId"/>'s answer to pair <paramref name="pairId"/>; returns the label's id.</summary>
    /// <exception cref="LabelRejectedException">The pair does not exist, or this labeler has already labelled it.</exception>
    long RecordLabel(long pairId, PreferenceLabel label, string labelerId, DateTimeOffset? labeledAt = null);
}
