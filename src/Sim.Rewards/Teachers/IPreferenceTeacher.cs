using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;

namespace Sim.Rewards.Teachers;

/// <summary>Something that answers preference queries, at once (a scripted teacher) or later (a person in a browser, an
/// LLM): answers go to an <see cref="ILabelSink"/> whenever they are given, never as a return value.</summary>
/// <remarks>Training loops ask, then train on the labels the store holds; they never wait for an answer, so a teacher
/// that answers minutes later needs nothing from them but the pairs.</remarks>
public interface IPreferenceTeacher<TItem>
{
    /// <summary>Id stored with every answer, e.g. <c>teacher:oracle</c>.</summary>
    string LabelerId { get; }

    /// <summary>Puts <paramref name="pairs"/> (already stored, with their ids) to the teacher, who records each answer in
    /// <paramref name="answers"/> before this returns or at any later time, from any thread. Must not block waiting for answers.</summary>
    void Ask(IReadOnlyList<PreferencePair<TItem>> pairs, ILabelSink answers);
}
