using Sim.Alignment.Model;
using Sim.Rewards.Models;

namespace Sim.Alignment.Rewards;

/// <summary>RewardBench's accuracy: the share of pairs whose chosen completion scores strictly higher than the rejected
/// one, so a tie counts as wrong (a model that scores everything alike gets 0, not 0.5).</summary>
public static class RewardBenchAccuracy
{
    /// <summary>The accuracy of <paramref name="model"/> on <paramref name="pairs"/>.</summary>
    public static double Of(IRewardModel<TokenizedCompletion> model, IReadOnlyList<TokenizedPreference> pairs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("no pairs to measure accuracy on: expected at least one", nameof(pairs));
        var chosen = new float[pairs.Count];
        var rejected = new float[pairs.Count];
        model.Score(pairs.Select(p => p.ChosenItem).ToList(), chosen);
        model.Score(pairs.Select(p => p.RejectedItem).ToList(), rejected);
        int correct = 0;
        for (int i = 0; i < pairs.Count; i++) if (chosen[i] > rejected[i]) correct++;
        return (double)correct / pairs.Count;
    }
}
