namespace Sim.Learning.Ppo;

/// <summary>What one PPO iteration (rollout + update) measured, with CleanRL's metric tags for loggers.</summary>
/// <remarks>Losses are those of the last minibatch of the iteration, and the clip fraction is the mean over all
/// its minibatches, as CleanRL reports them. Episode statistics cover the episodes that ended during the
/// iteration's rollout and are NaN when none did (or when the env has no episode statistics wrapper).</remarks>
public readonly record struct PpoIterationMetrics
{
    /// <summary>Tag of <see cref="LearningRate"/>.</summary>
    public const string LearningRateTag = "charts/learning_rate";
    /// <summary>Tag of <see cref="EpisodicReturn"/>.</summary>
    public const string EpisodicReturnTag = "charts/episodic_return";
    /// <summary>Tag of <see cref="EpisodicLength"/>.</summary>
    public const string EpisodicLengthTag = "charts/episodic_length";
    /// <summary>Tag of <see cref="StepsPerSecond"/>.</summary>
    public const string StepsPerSecondTag = "charts/SPS";
    /// <summary>Tag of <see cref="ValueLoss"/>.</summary>
    public const string ValueLossTag = "losses/value_loss";
    /// <summary>Tag of <see cref="PolicyLoss"/>.</summary>
    public const string PolicyLossTag = "losses/policy_loss";
    /// <summary>Tag of <see cref="Entropy"/>.</summary>
    public const string EntropyTag = "losses/entropy";
    /// <summary>Tag of <see cref="OldApproxKl"/>.</summary>
    public const string OldApproxKlTag = "losses/old_approx_kl";
    /// <summary>Tag of <see cref="ApproxKl"/>.</summary>
    public const string ApproxKlTag = "losses/approx_kl";
    /// <summary>Tag of <see cref="ClipFraction"/>.</summary>
    public const string ClipFractionTag = "losses/clipfrac";
    /// <summary>Tag of <see cref="ExplainedVariance"/>.</summary>
    public const string ExplainedVarianceTag = "losses/explained_variance";

    /// <summary>1-based iteration number.</summary>
    public int Iteration { get; init; }

    /// <summary>Env steps taken so far, summed over envs (the x axis of every metric).</summary>
    public long GlobalStep { get; init; }

    /// <summary>Learning rate used by this iteration's update.</summary>
    public double LearningRate { get; init; }

    /// <summary>Number of episodes that ended during this iteration's rollout.</summary>
    public int EpisodeCount { get; init; }

    /// <summary>Mean undiscounted return of those episodes, or NaN.</summary>
    public double EpisodicReturn { get; init; }

    /// <summary>Mean length of those episodes, or NaN.</summary>
    public double EpisodicLength { get; init; }

    /// <summary>Env steps per wall-clock second since training started, updates included.</summary>
    public double StepsPerSecond { get; init; }

    /// <summary>Value loss of the last minibatch.</summary>
    public double ValueLoss { get; init; }

    /// <summary>Clipped surrogate loss of the last minibatch.</summary>
    public double PolicyLoss { get; init; }

    /// <summary>Mean policy entropy of the last minibatch.</summary>
    public double Entropy { get; init; }

    /// <summary>mean(−log r) of the last minibatch.</summary>
    public double OldApproxKl { get; init; }

    /// <summary>mean((r − 1) − log r) of the last minibatch.</summary>
    public double ApproxKl { get; init; }

    /// <summary>Mean over minibatches of the fraction of clipped ratios.</summary>
    public double ClipFraction { get; init; }

    /// <summary>1 − Var(returns − values) / Var(returns) over the rollout; NaN when the returns do not vary.</summary>
    public double ExplainedVariance { get; init; }

    /// <summary>Every metric as (CleanRL tag, value); episode metrics are left out when no episode ended.</summary>
    public IEnumerable<KeyValuePair<string, double>> Scalars()
    {
        yield return new(LearningRateTag, LearningRate);
        if (EpisodeCount > 0)
        {
            yield return new(EpisodicReturnTag, EpisodicReturn);
            yield return new(EpisodicLengthTag, EpisodicLength);
        }
        yield return new(StepsPerSecondTag, StepsPerSecond);
        yield return new(ValueLossTag, ValueLoss);
        yield return new(PolicyLossTag, PolicyLoss);
        yield return new(EntropyTag, Entropy);
        yield return new(OldApproxKlTag, OldApproxKl);
        yield return new(ApproxKlTag, ApproxKl);
        yield return new(ClipFractionTag, ClipFraction);
        yield return new(ExplainedVarianceTag, ExplainedVariance);
    }
}
