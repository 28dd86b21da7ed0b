namespace Sim.Alignment.Losses;

/// <summary>A loss of the DPO family and its constants.</summary>
/// <param name="Variant">Which loss.</param>
/// <param name="Beta">β: the inverse temperature of the implicit reward (TRL: 0.1 for DPO; SimPO's paper uses 2 to 2.5).</param>
/// <param name="LabelSmoothing">ε of <see cref="DpoVariant.Conservative"/> (and of SimPO, as TRL's CPO trainer allows):
/// the assumed probability that a label is flipped.</param>
/// <param name="SimPoGamma">γ of <see cref="DpoVariant.SimPo"/>: the target reward margin (TRL's CPO: 0.5).</param>
public sealed record DpoLossOptions(DpoVariant Variant, double Beta = 0.1, double LabelSmoothing = 0, double SimPoGamma = 0.5)
{
    /// <summary>Whether the variant compares against a reference model (every one but SimPO).</summary>
    public bool UsesReference => Variant != DpoVariant.SimPo;

    /// <summary>Whether the variant reads per-token averaged log-probabilities instead of sums (IPO and SimPO).</summary>
    public bool AveragesPerToken => Variant is DpoVariant.Ipo or DpoVariant.SimPo;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first constant out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Variant)) throw new ArgumentOutOfRangeException(nameof(Variant), Variant, $"Variant = {(int)Variant}: expected Sigmoid, Conservative, Hinge, Ipo or SimPo");
        if (!(Beta > 0 && double.IsFinite(Beta))) throw new ArgumentOutOfRangeException(nameof(Beta), Beta, $"Beta = {Beta}: expected a finite β > 0");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 0.5))
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, $"LabelSmoothing = {LabelSmoothing}: expected a flip probability in [0, 0.5)");
        if (LabelSmoothing > 0 && Variant is not (DpoVariant.Conservative or DpoVariant.SimPo))
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, $"LabelSmoothing = {LabelSmoothing} with {Variant}: label smoothing applies to Conservative and SimPo only");
        if (Variant == DpoVariant.Conservative && LabelSmoothing == 0)
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "LabelSmoothing = 0 with Conservative: expected ε > 0 (with ε = 0 it is Sigmoid)");
        if (!(SimPoGamma >= 0 && double.IsFinite(SimPoGamma))) throw new ArgumentOutOfRangeException(nameof(SimPoGamma), SimPoGamma, $"SimPoGamma = {SimPoGamma}: expected a finite γ ≥ 0");
    }
}
