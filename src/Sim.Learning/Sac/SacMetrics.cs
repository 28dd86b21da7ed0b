namespace Sim.Learning.Sac;

/// <summary>What SAC measured over the last <see cref="SacConfig.MetricsInterval"/> updates, with CleanRL's metric tags for loggers.</summary>
/// <remarks>Losses and Q-values are those of the report's update (the actor and temperature ones of the last actor
/// update, NaN before the first), as CleanRL logs them. Episode statistics cover the episodes that ended since the
/// previous report and are NaN when none did (or when the env has no episode statistics wrapper).</remarks>
public readonly record struct SacMetrics
{
    /// <summary>Tag of <see cref="Qf1Values"/>.</summary>
    public const string Qf1ValuesTag = "losses/qf1_values";
    /// <summary>Tag of <see cref="Qf2Values"/>.</summary>
    public const string Qf2ValuesTag = "losses/qf2_values";
    /// <summary>Tag of <see cref="Qf1Loss"/>.</summary>
    public const string Qf1LossTag = "losses/qf1_loss";
    /// <summary>Tag of <see cref="Qf2Loss"/>.</summary>
    public const string Qf2LossTag = "losses/qf2_loss";
    /// <summary>Tag of <see cref="QfLoss"/>.</summary>
    public const string QfLossTag = "losses/qf_loss";
    /// <summary>Tag of <see cref="ActorLoss"/>.</summary>
    public const string ActorLossTag = "losses/actor_loss";
    /// <summary>Tag of <see cref="Alpha"/>.</summary>
    public const string AlphaTag = "losses/alpha";
    /// <summary>Tag of <see cref="AlphaLoss"/>.</summary>
    public const string AlphaLossTag = "losses/alpha_loss";
    /// <summary>Tag of <see cref="EpisodicReturn"/>.</summary>
    public const string EpisodicReturnTag = "charts/episodic_return";
    /// <summary>Tag of <see cref="EpisodicLength"/>.</summary>
    public const string EpisodicLengthTag = "charts/episodic_length";
    /// <summary>Tag of <see cref="StepsPerSecond"/>.</summary>
    public const string StepsPerSecondTag = "charts/SPS";

    /// <summary>Env transitions taken so far, summed over envs (the x axis of every metric).</summary>
    public long GlobalStep { get; init; }

    /// <summary>Gradient updates (critic steps) done so far.</summary>
    public long Updates { get; init; }

    /// <summary>Mean Q1(s, a) over the batch.</summary>
    public double Qf1Values { get; init; }

    /// <summary>Mean Q2(s, a) over the batch.</summary>
    public double Qf2Values { get; init; }

    /// <summary>First critic's mean squared Bellman error.</summary>
    public double Qf1Loss { get; init; }

    /// <summary>Second critic's mean squared Bellman error.</summary>
    public double Qf2Loss { get; init; }

    /// <summary>(Qf1Loss + Qf2Loss) / 2, as CleanRL reports it.</summary>
    public double QfLoss { get; init; }

    /// <summary>Actor loss of the last actor update.</summary>
    public double ActorLoss { get; init; }

    /// <summary>The temperature α after the last update.</summary>
    public double Alpha { get; init; }

    /// <summary>Temperature loss of the last actor update; NaN when α is fixed.</summary>
    public double AlphaLoss { get; init; }

    /// <summary>Episodes that ended since the previous report.</summary>
    public int EpisodeCount { get; init; }

    /// <summary>Mean undiscounted return of those episodes, or NaN.</summary>
    public double EpisodicReturn { get; init; }

    /// <summary>Mean length of those episodes, or NaN.</summary>
    public double EpisodicLength { get; init; }

    /// <summary>Env transitions per wall-clock second since training started, updates included.</summary>
    public double StepsPerSecond { get; init; }

    /// <summary>Every metric as (CleanRL tag, value); episode metrics are left out when no episode ended, and
    /// actor metrics before the first actor update.</summary>
    public IEnumerable<KeyValuePair<string, double>> Scalars()
    {
        if (EpisodeCount > 0)
        {
            yield return new(EpisodicReturnTag, EpisodicReturn);
            yield return new(EpisodicLengthTag, EpisodicLength);
        }
        yield return new(StepsPerSecondTag, StepsPerSecond);
        yield return new(Qf1ValuesTag, Qf1Values);
        yield return new(Qf2ValuesTag, Qf2Values);
        yield return new(Qf1LossTag, Qf1Loss);
        yield return new(Qf2LossTag, Qf2Loss);
        yield return new(QfLossTag, QfLoss);
        if (!double.IsNaN(ActorLoss)) yield return new(ActorLossTag, ActorLoss);
        yield return new(AlphaTag, Alpha);
        if (!double.IsNaN(AlphaLoss)) yield return new(AlphaLossTag, AlphaLoss);
    }
}
