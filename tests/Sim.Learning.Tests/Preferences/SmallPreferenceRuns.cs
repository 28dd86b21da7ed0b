using Sim.Learning.Preferences;

namespace Sim.Learning.Tests.Preferences;

/// <summary>Preference-learning settings small enough for tests: 10-step segments, rounds of 10 labels, two members.</summary>
internal static class SmallPreferenceRuns
{
    public static PreferenceLearningOptions Options(int labels, string teacher = PreferenceTeachers.Oracle) => new()
    {
        Teacher = teacher,
        Labels = labels,
        LabelsPerRound = 10,
        SegmentLength = 10,
        HeldOutPairs = 20,
        EnsembleMembers = 2,
        CandidateFactor = 2,
    };
}
