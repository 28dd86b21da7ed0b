using Sim.Learning.Runs;
using Sim.Learning.Training;

namespace Sim.Learning.Oni;

/// <summary>ONI's registration (<c>--reward oni</c>): an <see cref="OniRewardLearner"/> over the run's <see cref="RunConfig.Oni"/>
/// settings, with its answer cache in the run folder.</summary>
public sealed class OniRewardSource : IRewardSource
{
    /// <summary>The name runs give: oni.</summary>
    public const string SourceName = "oni";

    /// <summary>File name of the run's LLM answer cache, in its run folder.</summary>
    public const string CacheFileName = "annotations.db";

    /// <inheritdoc/>
    public string Name => SourceName;

    /// <summary>The run's ONI section, or an error naming the config file.</summary>
    public static OniOptions OptionsOf(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Config.Oni ?? throw run.MissingSection("Oni", $"reward '{run.Config.Reward}'");
    }

    /// <inheritdoc/>
    public IRewardLearner? CreateLearner(RewardLearnerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = OptionsOf(context.Run);
        var captions = context.Env.Infos.Captions ?? throw new ArgumentException(
            $"{context.Run.Config.Env} emits no event captions: --reward oni needs a task that describes its steps (ArmPush, ArmReach, ReacherSparse, Hopper, Walker2d, HalfCheetah)");
        return new OniRewardLearner(options, captions.Vocabulary, Path.Combine(context.Run.Directory.Path, CacheFileName), context.Settings.Seed);
    }

    /// <inheritdoc/>
    /// <remarks>The stage is rebuilt with a zero caption reward: acting needs its place in the chain (the checkpoint holds its
    /// state), not the LLM, and the returns shown are the env's own.</remarks>
    public RewardStage? LoadForEvaluation(RunDefinition run)
    {
        var options = OptionsOf(run);
        return new RewardStage(e => new OniRewardWrapper(e, new FrozenCaptionReward(e.Infos.Captions?.Vocabulary ?? [], options.Model), options), null);
    }
}
