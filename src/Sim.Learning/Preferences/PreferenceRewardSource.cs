using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Rewards.Robot;
using Sim.Torch;

namespace Sim.Learning.Preferences;

/// <summary>Preference learning's registration: a <see cref="PreferenceRewardLearner"/> asking the run's scripted teacher,
/// with its labels in the run folder's <see cref="LabelStoreFileName"/> and its latest model in <see cref="RewardModelFileName"/>.</summary>
public sealed class PreferenceRewardSource : IRewardSource
{
    /// <summary>The name runs give: preference.</summary>
    public const string SourceName = "preference";

    /// <summary>File name of a preference run's label store, in its run folder.</summary>
    public const string LabelStoreFileName = "labels.db";

    /// <summary>File name of a preference run's latest reward model, in its run folder.</summary>
    public const string RewardModelFileName = "reward_model.bin";

    /// <inheritdoc/>
    public string Name => SourceName;

    /// <summary>The run's preference section, or an error naming the config file.</summary>
    public static PreferenceLearningOptions OptionsOf(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Config.Preference ?? throw run.MissingSection("preference", $"reward '{run.Config.Reward}'");
    }

    /// <inheritdoc/>
    public IRewardLearner? CreateLearner(RewardLearnerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = OptionsOf(context.Run);
        long firstRound = context.FirstUpdateStep + (context.PretrainsUnsupervised ? options.UnsupervisedSteps : 0);
        var schedule = options.ResolveSchedule(context.Settings.TotalTimesteps, firstRound);
        var env = context.Env;
        string folder = context.Run.Directory.Path;
        // The LLM shares ONI's answer file name: one run folder, one cache of what its LLM said.
        var teacher = options.Teacher == PreferenceTeachers.Llm ? LlmTeacher.Create(options.Llm!, Path.Combine(folder, Oni.OniRewardSource.CacheFileName)) : null;
        return new PreferenceRewardLearner(options, schedule, context.Run.Config.Env, env.NumEnvs, env.SingleObservationSpace.FlatSize,
            env.SingleActionSpace.FlatSize, EpisodeHistory.FindPhysicsState(env)?.PhysicsStateSize ?? 0, Path.Combine(folder, LabelStoreFileName),
            context.Settings.Seed, TorchDevice.Parse(context.Settings.Device), teacher) { ModelPath = Path.Combine(folder, RewardModelFileName) };
    }

    /// <inheritdoc/>
    /// <remarks>The chain is rebuilt around the run's latest reward model, with an episode history of the same shape
    /// (the checkpoint holds the chain's state); returns are still the env's own.</remarks>
    public RewardStage? LoadForEvaluation(RunDefinition run)
    {
        var options = OptionsOf(run);
        var model = RobotRewardModel.Load(Path.Combine(run.Directory.Path, RewardModelFileName));
        return new RewardStage(e => LearnedReward.Wrap(new EpisodeHistoryRecorder(e, new EpisodeHistory(new EpisodeHistoryOptions
        {
            EnvId = run.Config.Env,
            NumEnvs = e.NumEnvs,
            ObservationSize = e.SingleObservationSpace.FlatSize,
            ActionSize = e.SingleActionSpace.FlatSize,
            SegmentLength = options.SegmentLength,
        })), model), model);
    }
}
