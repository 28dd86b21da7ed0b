using System.Text.Json.Serialization;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Ensembles;

/// <summary>A rule that combines member outputs <c>[K, N]</c> into one output <c>[N]</c>: the mean, the worst case,
/// mean − λ·var, or a single member.</summary>
/// <param name="Kind">Which rule.</param>
/// <param name="Lambda">λ of <see cref="AggregationKind.UncertaintyPenalized"/> (Coste et al. use 1).</param>
/// <param name="MemberIndex">The member of <see cref="AggregationKind.Member"/>.</param>
/// <remarks>Variance and standard deviation are over the members with divisor K (the population form), as PEBBLE's
/// disagreement uses. Given <see cref="MemberScales"/>, the worst case and mean − λ·var combine the members' standardised
/// scores (see <see cref="Apply(Tensor, MemberScales)"/>); the mean and a single member are always of the raw scores.</remarks>
public sealed record Aggregation(AggregationKind Kind, double Lambda = 1, int MemberIndex = 0)
{
    /// <summary>The mean over members.</summary>
    public static Aggregation Mean { get; } = new(AggregationKind.Mean);

    /// <summary>The minimum over members.</summary>
    public static Aggregation WorstCase { get; } = new(AggregationKind.WorstCase);

    /// <summary>mean − <paramref name="lambda"/>·var over members.</summary>
    public static Aggregation UncertaintyPenalized(double lambda = 1) => new(AggregationKind.UncertaintyPenalized, lambda);

    /// <summary>Member <paramref name="index"/> alone.</summary>
    public static Aggregation OfMember(int index) => new(AggregationKind.Member, MemberIndex: index);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when the rule does not fit an ensemble of <paramref name="members"/>.</summary>
    public void Validate(int members)
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "expected Mean, WorstCase, UncertaintyPenalized or Member");
        if (!(Lambda >= 0 && double.IsFinite(Lambda))) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, $"Lambda = {Lambda}: expected a finite λ ≥ 0");
        if (Kind == AggregationKind.Member && (MemberIndex < 0 || MemberIndex >= members))
            throw new ArgumentOutOfRangeException(nameof(MemberIndex), MemberIndex, $"MemberIndex = {MemberIndex}: expected a member in [0, {members - 1}]");
    }

    /// <summary>Whether the rule compares members with one another (worst case, mean − λ·var), and so needs them on one scale.</summary>
    /// <remarks>Not part of the rule's JSON in configs and model files, which stays as it was.</remarks>
    [JsonIgnore]
    public bool ComparesMembers => Kind is AggregationKind.WorstCase or AggregationKind.UncertaintyPenalized;

    /// <summary>Combines the raw <paramref name="perMember"/>, <c>[K, N]</c>, into <c>[N]</c>.</summary>
    public Tensor Apply(Tensor perMember)
    {
        ArgumentNullException.ThrowIfNull(perMember);
        Validate((int)perMember.shape[0]);
        switch (Kind)
        {
            case AggregationKind.Mean:
                return perMember.mean(new long[] { 0 });
            case AggregationKind.WorstCase:
                return perMember.amin(new long[] { 0 });
            case AggregationKind.Member:
            {
                using var row = perMember[MemberIndex];
                return row.clone();
            }
            default:
            {
                using var scope = NewDisposeScope();
                var mean = perMember.mean(new long[] { 0 });
                using var lambda = Lambda.ToScalar();
                var penalty = Variance(perMember).mul(lambda);
                return (mean - penalty).MoveToOuterDisposeScope();
            }
        }
    }

    /// <summary>Combines <paramref name="perMember"/>, <c>[K, N]</c>, into <c>[N]</c>, each member standardised by
    /// <paramref name="scales"/> first when the rule compares members. The mean and a single member ignore the scales, so
    /// they give exactly what <see cref="Apply(Tensor)"/> gives.</summary>
    /// <remarks>Standardised, the worst case is the lowest member relative to where that member usually scores, and the
    /// variance is the members' disagreement, not the constants Bradley–Terry leaves free.</remarks>
    public Tensor Apply(Tensor perMember, MemberScales scales)
    {
        ArgumentNullException.ThrowIfNull(perMember);
        ArgumentNullException.ThrowIfNull(scales);
        if (!ComparesMembers) return Apply(perMember);
        using var scope = NewDisposeScope();
        using var standardized = scales.Standardize(perMember);
        return Apply(standardized).MoveToOuterDisposeScope();
    }

    /// <summary>The variance over members with divisor K, <c>[K, N]</c> → <c>[N]</c>.</summary>
    public static Tensor Variance(Tensor perMember)
    {
        using var scope = NewDisposeScope();
        var mean = perMember.mean(new long[] { 0 }, keepdim: true);
        var deviations = perMember - mean;
        return deviations.pow(Two).mean(new long[] { 0 }).MoveToOuterDisposeScope();
    }

    /// <summary>The standard deviation over members with divisor K (the ensemble's uncertainty), <c>[K, N]</c> → <c>[N]</c>.</summary>
    public static Tensor StandardDeviation(Tensor perMember)
    {
        using var variance = Variance(perMember);
        return variance.sqrt();
    }
}
