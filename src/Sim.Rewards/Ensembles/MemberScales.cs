using System.Text.Json.Serialization;
using Sim.Core;
using Sim.Rewards.Normalization;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Ensembles;

/// <summary>Each ensemble member's mean and standard deviation of its scores over the items it trained on, so that the
/// worst case and mean − λ·var can compare members on one scale.</summary>
/// <remarks>
/// <para>Bradley–Terry fixes a member's scores only up to an additive constant (and its scale only through the noise of
/// the labels), so raw members sit at arbitrary offsets: the minimum over raw members is taken by whichever member sits
/// lowest, and the variance over them measures the offsets rather than the disagreement. Standardising each member with
/// its own statistics, z_k = (s_k − μ_k) / σ_k, removes both before aggregating (<see cref="Aggregation.Apply(Tensor, MemberScales)"/>).</para>
/// <para>Statistics are over the unit the encoder scores: items for encoders that score items, real positions for
/// encoders that score positions. The standard deviation has divisor n and is at least
/// <see cref="RewardNormalizer.MinimumStd"/>, as the normaliser's is.</para>
/// </remarks>
public sealed class MemberScales
{
    private readonly double[] _means;
    private readonly double[] _stds;

    /// <summary>Scales with member k's mean <paramref name="means"/>[k] and standard deviation <paramref name="stds"/>[k].</summary>
    /// <exception cref="ArgumentException">When the lists differ in length or are empty, a mean is not finite, or a
    /// standard deviation is not finite and &gt; 0; the message names the value.</exception>
    [JsonConstructor]
    public MemberScales(IReadOnlyList<double> means, IReadOnlyList<double> stds)
    {
        ArgumentNullException.ThrowIfNull(means, "Means");
        ArgumentNullException.ThrowIfNull(stds, "Stds");
        if (means.Count == 0) throw new ArgumentException("member scales: Means is empty: expected one mean per member", nameof(means));
        if (stds.Count != means.Count)
            throw new ArgumentException($"member scales: {means.Count} Means and {stds.Count} Stds: expected one of each per member", nameof(stds));
        for (int m = 0; m < means.Count; m++)
        {
            if (!double.IsFinite(means[m]))
                throw new ArgumentException($"member scales: Means[{m}] = {means[m]}: expected a finite mean", nameof(means));
            if (!(stds[m] > 0 && double.IsFinite(stds[m])))
                throw new ArgumentException($"member scales: Stds[{m}] = {stds[m]}: expected a finite standard deviation > 0", nameof(stds));
        }
        _means = means.ToArray();
        _stds = stds.ToArray();
    }

    /// <summary>Mean 0 and standard deviation 1 for each of <paramref name="members"/> members: the raw scores, as files
    /// written before scales were saved are read.</summary>
    public static MemberScales Identity(int members)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, $"members = {members}: expected at least 1");
        return new MemberScales(new double[members], Enumerable.Repeat(1.0, members).ToArray());
    }

    /// <summary>Each member's mean.</summary>
    public IReadOnlyList<double> Means => _means;

    /// <summary>Each member's standard deviation.</summary>
    public IReadOnlyList<double> Stds => _stds;

    /// <summary>Members K.</summary>
    [JsonIgnore]
    public int Count => _means.Length;

    /// <summary>Whether every mean is 0 and every standard deviation 1, so standardising changes nothing.</summary>
    [JsonIgnore]
    public bool IsIdentity => _means.All(m => m == 0) && _stds.All(s => s == 1);

    /// <summary>Estimates each member's statistics from its row of <paramref name="perMember"/>, <c>[K, N]</c>.</summary>
    public static MemberScales Fit(Tensor perMember)
    {
        ArgumentNullException.ThrowIfNull(perMember);
        if (perMember.dim() != 2 || perMember.shape[1] == 0)
            throw new ArgumentException($"perMember has shape [{string.Join(", ", perMember.shape)}]: expected [members, values] with at least one value", nameof(perMember));
        using var scope = NewDisposeScope();
        var values = perMember.detach().to_type(ScalarType.Float64);
        var mean = values.mean(new long[] { 1 }, keepdim: true);
        var variance = (values - mean).pow(Two).mean(new long[] { 1 });
        var means = mean.flatten().cpu().data<double>().ToArray();
        var stds = variance.cpu().data<double>().ToArray().Select(v => Math.Max(Math.Sqrt(v), RewardNormalizer.MinimumStd)).ToArray();
        for (int m = 0; m < means.Length; m++)
        {
            if (!double.IsFinite(means[m]) || !double.IsFinite(stds[m]))
                throw new InvalidOperationException($"member {m} scored its training items with mean {means[m]} and standard deviation {stds[m]}: expected finite scores");
        }
        return new MemberScales(means, stds);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless there is one scale per member of an ensemble of <paramref name="members"/>.</summary>
    public void Validate(int members)
    {
        if (Count != members)
            throw new ArgumentException($"member scales hold {Count} members: expected one per ensemble member ({members})");
    }

    /// <summary>Writes the means and standard deviations with their count, for a checkpoint.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteArray<double>(_means);
        writer.WriteArray<double>(_stds);
    }

    /// <summary>Reads what <see cref="Write"/> wrote for an ensemble of <paramref name="members"/>.</summary>
    /// <exception cref="InvalidDataException">When the count differs or a value is out of range, naming it.</exception>
    public static MemberScales Read(BinaryReader reader, int members)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var means = new double[members];
        var stds = new double[members];
        reader.ReadArray<double>(means, "member scale means");
        reader.ReadArray<double>(stds, "member scale standard deviations");
        try
        {
            return new MemberScales(means, stds);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"the saved member scales are corrupt: {e.Message}", e);
        }
    }

    /// <summary>z_k = (s_k − μ_k) / σ_k for member outputs <c>[K, …]</c>, in their dtype and on their device.</summary>
    public Tensor Standardize(Tensor perMember)
    {
        ArgumentNullException.ThrowIfNull(perMember);
        Validate((int)perMember.shape[0]);
        using var scope = NewDisposeScope();
        var shape = new long[perMember.dim()];
        Array.Fill(shape, 1L);
        shape[0] = Count;
        var means = tensor(_means).reshape(shape).to_type(perMember.dtype).to(perMember.device);
        var stds = tensor(_stds).reshape(shape).to_type(perMember.dtype).to(perMember.device);
        return (perMember - means).div(stds).MoveToOuterDisposeScope();
    }
}
