namespace Sim.Alignment.Losses;

/// <summary>The constants of KTO (Ethayarajh et al.); the defaults are TRL's.</summary>
/// <param name="Beta">β of the implicit reward log π/π_ref.</param>
/// <param name="DesirableWeight">λ_D, the weight of desirable examples.</param>
/// <param name="UndesirableWeight">λ_U, the weight of undesirable examples.</param>
public sealed record KtoLossOptions(double Beta = 0.1, double DesirableWeight = 1, double UndesirableWeight = 1)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first constant out of range.</summary>
    public void Validate()
    {
        if (!(Beta > 0 && double.IsFinite(Beta))) throw new ArgumentOutOfRangeException(nameof(Beta), Beta, $"Beta = {Beta}: expected a finite β > 0");
        if (!(DesirableWeight >= 0 && double.IsFinite(DesirableWeight)))
            throw new ArgumentOutOfRangeException(nameof(DesirableWeight), DesirableWeight, $"DesirableWeight = {DesirableWeight}: expected a finite λ_D ≥ 0");
        if (!(UndesirableWeight >= 0 && double.IsFinite(UndesirableWeight)))
            throw new ArgumentOutOfRangeException(nameof(UndesirableWeight), UndesirableWeight, $"UndesirableWeight = {UndesirableWeight}: expected a finite λ_U ≥ 0");
    }
}
