namespace Sim.Rewards.Losses;

/// <summary>Variants of the Bradley–Terry preference loss; the defaults give the plain cross-entropy of PEBBLE.</summary>
/// <param name="RandomAnswerProbability">ε: the teacher is modelled as answering at random with this probability, so the
/// predicted probability becomes P = (1 − ε)·P̂ + ε/2 (Christiano et al. use ε = 0.1, i.e. P = 0.9 P̂ + 0.05).</param>
/// <param name="Margin">m ≥ 0: the preferred item must win by m in score, as in TRL's reward margin: the logit is
/// s_left − s_right − m for Left, s_left − s_right + m for Right, unchanged for Equal.</param>
/// <param name="LabelSmoothing">α in [0, 0.5]: the probability that a label is flipped, so the targets 1 and 0 become
/// 1 − α and α (conservative DPO's convention); the Equal target 0.5 is unchanged.</param>
/// <param name="Centering">c ≥ 0: adds c·(s_left + s_right)² to each pair's loss, which pulls the scores towards zero
/// mean without changing their differences (TRL's <c>center_rewards_coefficient</c>; Eisenstein et al. use c ≈ 0.01), so
/// the scores of separately trained models share an offset.</param>
public sealed record PreferenceLossOptions(double RandomAnswerProbability = 0, double Margin = 0, double LabelSmoothing = 0, double Centering = 0)
{
    /// <summary>The plain Bradley–Terry cross-entropy.</summary>
    public static PreferenceLossOptions Plain { get; } = new();

    /// <summary>Christiano et al.'s loss: 10% random answers.</summary>
    public static PreferenceLossOptions Christiano { get; } = new(RandomAnswerProbability: 0.1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(RandomAnswerProbability >= 0 && RandomAnswerProbability < 1))
            throw new ArgumentOutOfRangeException(nameof(RandomAnswerProbability), RandomAnswerProbability,
                $"RandomAnswerProbability = {RandomAnswerProbability}: expected a probability in [0, 1)");
        if (!(Margin >= 0 && double.IsFinite(Margin)))
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, $"Margin = {Margin}: expected a finite margin ≥ 0");
        if (!(LabelSmoothing >= 0 && LabelSmoothing <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, $"LabelSmoothing = {LabelSmoothing}: expected a flip probability in [0, 0.5]");
        if (!(Centering >= 0 && double.IsFinite(Centering)))
            throw new ArgumentOutOfRangeException(nameof(Centering), Centering, $"Centering = {Centering}: expected a finite coefficient ≥ 0");
    }
}
