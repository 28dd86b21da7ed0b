namespace Sim.Alignment.Corpus;

/// <summary>The gold reward of one completion, term by term; <see cref="Total"/> is what labels pairs and scores samples.</summary>
/// <param name="Sentiment">2·tanh(s/3), s the summed adjective sentiment (intensified ×2, negated ×−1): saturates, so
/// piling on praise stops paying.</param>
/// <param name="Length">−0.1 per word beyond <see cref="GoldReward.FreeWords"/>.</param>
/// <param name="Format">+0.5 for a closing full stop, −0.5 for no closing mark; +0.5 when the prompt's topic is
/// mentioned; −0.5 when another topic is.</param>
public readonly record struct GoldRewardTerms(double Sentiment, double Length, double Format)
{
    /// <summary>The gold reward: the sum of the terms.</summary>
    public double Total => Sentiment + Length + Format;
}
