namespace Sim.Learning.Preferences;

/// <summary>A reward-model update of a query round starting (<paramref name="Seconds"/> null) or finished: an update can
/// take tens of seconds with no env step, so a front end shows it to keep the run from looking hung.</summary>
/// <param name="Round">Index of the query round, from 0.</param>
/// <param name="Labels">Labels the model trains on.</param>
/// <param name="EnvStep">Env step of the round.</param>
/// <param name="Seconds">How long the update took, once it finished.</param>
public sealed record RewardUpdateProgress(int Round, int Labels, long EnvStep, double? Seconds = null)
{
    /// <summary>Whether the update is over.</summary>
    public bool Finished => Seconds is not null;
}
