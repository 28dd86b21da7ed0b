using Sim.Core;
using Sim.Learning.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;
using Sim.Rewards.Teachers;
using TorchSharp;

namespace Sim.Learning.Tests.Preferences;

/// <summary>Preference-learning settings small enough for tests (10-step segments, rounds of 10 labels, two members) and
/// the learner the trainer tests build from them.</summary>
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

    /// <summary>A learner for Pendulum-v1 with seed 4, its label store and model file in <paramref name="scratch"/>.</summary>
    public static PreferenceRewardLearner Learner(TempDirectory scratch, IVectorEnv env, PreferenceLearningOptions options, QueryScheduleOptions schedule,
        IPreferenceTeacher<Segment>? teacher = null) =>
        new(options, schedule, "Pendulum-v1", env.NumEnvs, env.SingleObservationSpace.FlatSize, env.SingleActionSpace.FlatSize, 0,
            scratch.File("labels.db"), seed: 4, torch.CPU, teacher) { ModelPath = scratch.File("reward_model.bin") };
}
