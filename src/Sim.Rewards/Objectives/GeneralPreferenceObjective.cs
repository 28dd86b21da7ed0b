using Sim.Rewards.Ensembles;
using Sim.Rewards.Losses;
using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>The general preference model's objective on labelled pairs: the members are encoders that embed each item to
/// <c>[batch, 2k]</c>, and a pair is scored by the skew-symmetric <see cref="GeneralPreferenceLoss"/> instead of a
/// difference of scalar scores. Accuracy counts pairs with a side, strictly (a zero score is wrong for Left).</summary>
/// <remarks>Per-pair margins of the dataset have no meaning for a skew-symmetric score and are not used.</remarks>
public sealed class GeneralPreferenceObjective : IRewardObjective
{
    /// <summary>The objective over <paramref name="data"/> with temperature <paramref name="temperature"/>
    /// (<see cref="GeneralPreferenceLoss.DefaultTemperature"/> gives GPM's).</summary>
    public GeneralPreferenceObjective(PreferenceDataset data, double temperature)
    {
        ArgumentNullException.ThrowIfNull(data);
        GeneralPreferenceLoss.CheckTemperature(temperature);
        Data = data;
        Temperature = temperature;
    }

    /// <summary>The labelled pairs.</summary>
    public PreferenceDataset Data { get; }

    /// <summary>τ of P̂ = σ(s/τ).</summary>
    public double Temperature { get; }

    /// <inheritdoc/>
    public string Name => "general preference";

    /// <inheritdoc/>
    public int Count => Data.Count;

    /// <inheritdoc/>
    public ObjectiveTerms Terms(RewardEncoder member, Tensor indices)
    {
        var left = Data.Left.Select(indices);
        var right = Data.Right.Select(indices);
        var targets = Data.Targets.index_select(0, indices);
        var leftEmbeddings = member.forward(left.Inputs, left.Mask);
        var rightEmbeddings = member.forward(right.Inputs, right.Mask);
        var scores = GeneralPreferenceLoss.Scores(leftEmbeddings, rightEmbeddings);
        return new ObjectiveTerms(
            GeneralPreferenceLoss.PairLosses(leftEmbeddings, rightEmbeddings, targets, Temperature),
            BradleyTerryLoss.Correct(scores, zeros_like(scores), targets),
            BradleyTerryLoss.Decided(targets));
    }
}
