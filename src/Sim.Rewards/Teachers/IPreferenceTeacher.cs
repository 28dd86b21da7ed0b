using Sim.Rewards.Preferences;

namespace Sim.Rewards.Teachers;

/// <summary>Something that answers preference queries: a scripted teacher or, behind an adapter, a human.</summary>
public interface IPreferenceTeacher
{
    /// <summary>Id stored with every answer, e.g. <c>teacher:oracle</c>.</summary>
    string LabelerId { get; }

    /// <summary>The answer to "is <paramref name="left"/> better than <paramref name="right"/>?";
    /// <see cref="PreferenceLabel.Skip"/> when the teacher declines.</summary>
    PreferenceLabel Answer(Segment left, Segment right);
}
