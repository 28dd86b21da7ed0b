namespace Sim.Rewards.Robot;

/// <summary>Mean true return and length of the most recent finished episodes, as the scripted teachers' thresholds need.</summary>
/// <param name="Episodes">How many episodes the means are over (0 when none has finished).</param>
/// <param name="MeanReturn">Mean undiscounted true return.</param>
/// <param name="MeanLength">Mean number of steps.</param>
public readonly record struct EpisodeStatistics(int Episodes, double MeanReturn, double MeanLength);
