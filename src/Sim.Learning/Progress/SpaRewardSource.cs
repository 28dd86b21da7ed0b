using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Runs;
using Sim.Learning.Training;

namespace Sim.Learning.Progress;

/// <summary>SPA's registration (<c>--reward spa</c>): a <see cref="SpaRewardLearner"/> over the run's <see cref="RunConfig.Spa"/> settings.</summary>
public sealed class SpaRewardSource : IRewardSource
{
    /// <summary>The name runs give: spa.</summary>
    public const string SourceName = "spa";

    /// <inheritdoc/>
    public string Name => SourceName;

    /// <summary>The run's SPA section, or an error naming the config file.</summary>
    public static SpaOptions OptionsOf(RunDefinition run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Config.Spa ?? throw run.MissingSection("Spa", $"reward '{run.Config.Reward}'");
    }

    /// <summary>Why SPA cannot run on <paramref name="env"/> (an env as the registry makes it, with the run's env
    /// arguments) with these settings, or null when it can: the outcome needs a success flag or a delayed reward, and a
    /// replay buffer can only be relabelled with the env's reward kept on a goal env.</summary>
    public static string? FindProblem(IVectorEnv env, string envId, bool delayedReward, bool relabelsReplay, SpaOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        if (options.FindProblem() is { } problem) return problem;
        if (delayedReward != (options.Outcome == SpaOutcome.DelayedReturn))
            return $"the SPA outcome is {options.Outcome} but the run's reward is {(delayedReward ? "" : "not ")}delayed: expected the delayed return exactly when --delayed-reward is on";
        if (!delayedReward && !env.Infos.TryGetFlag(IGoalEnv.SuccessFlag, out _))
            return $"{envId} sets no {IGoalEnv.SuccessFlag} flag, so its episodes have no outcome to attribute: use a goal or sparse env (ArmReach-v1, ArmPush-v1, ReacherSparse-v1) or add --delayed-reward";
        if (relabelsReplay && options.KeepEnvReward && GoalEnvLookup.Find(env, out _) is null)
            return $"SAC relabels its replay buffer after each estimator update, and {envId}'s reward cannot be recomputed for stored transitions (no goal env): add --spa-env-reward drop, or use --algo ppo";
        return null;
    }

    /// <inheritdoc/>
    public IRewardLearner? CreateLearner(RewardLearnerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.Run;
        var options = OptionsOf(run);
        var env = context.Env;
        if (FindProblem(env, run.Config.Env, run.Config.DelayedReward, run.Config.Sac is not null, options) is { } problem)
            throw new ArgumentException($"--reward spa: {problem}");
        var goal = GoalEnvLookup.Find(env, out _);
        return new SpaRewardLearner(options, run.Config.Env, env.NumEnvs, env.SingleObservationSpace.FlatSize, env.SingleActionSpace.FlatSize,
            goal, context.Settings.Seed, context.FirstUpdateStep);
    }

    /// <inheritdoc/>
    /// <remarks>The stage is rebuilt paying nothing beside the env's reward: acting needs its place in the chain (the
    /// checkpoint holds its state), not the estimator, and the returns shown are the env's own.</remarks>
    public RewardStage? LoadForEvaluation(RunDefinition run)
    {
        var options = OptionsOf(run);
        return new RewardStage(e => new SpaRewardWrapper(e, null, options.KeepEnvReward ? RewardMode.Add : RewardMode.Replace), null);
    }
}
