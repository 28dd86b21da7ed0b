namespace Sim.Viewer.Interactive;

/// <summary>What the overlay shows about one env at one step: episode step and return, the last reward, and the learned
/// reward and return when a reward model is loaded.</summary>
/// <param name="Step">Steps taken in the current episode.</param>
/// <param name="Return">True return of the current episode so far.</param>
/// <param name="Reward">True reward of the last step.</param>
/// <param name="LearnedReward">Learned reward of the last step (NaN without a reward model).</param>
/// <param name="LearnedReturn">Sum of learned rewards in the current episode.</param>
/// <param name="Episodes">Episodes this env has finished since the last reset.</param>
/// <param name="LastEpisodeReturn">True return of the last finished episode (NaN before one finished).</param>
public readonly record struct EnvStats(int Step, double Return, float Reward, float LearnedReward, double LearnedReturn, int Episodes, double LastEpisodeReturn);
