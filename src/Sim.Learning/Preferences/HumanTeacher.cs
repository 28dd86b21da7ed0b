using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;
using Sim.Rewards.Teachers;

namespace Sim.Learning.Preferences;

/// <summary>People on the labeling site: asking them needs nothing beyond storing the pairs, which the site (in this
/// process or a separate <c>sim label</c> on the same file) renders and shows; their answers arrive in the store later,
/// each under its labeler's own id (<c>human:NAME</c>).</summary>
public sealed class HumanTeacher : IPreferenceTeacher<Segment>
{
    /// <inheritdoc/>
    public string LabelerId => "human";

    /// <inheritdoc/>
    public void Ask(IReadOnlyList<PreferencePair<Segment>> pairs, ILabelSink answers)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(answers);
    }
}
