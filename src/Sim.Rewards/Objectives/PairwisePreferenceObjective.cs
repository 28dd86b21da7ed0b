using Sim.Rewards.Ensembles;
using Sim.Rewards.Losses;
using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>Bradley–Terry on labelled pairs: P̂(left ≻ right) = σ(s_left − s_right) against the answers, with ties,
/// random-answer noise, margins and label smoothing from <see cref="PreferenceLossOptions"/>. Accuracy counts pairs with
/// a side.</summary>
public sealed class PairwisePreferenceObjective : IRewardObjective
{
    /// <summary>The objective over <paramref name="data"/> with the loss <paramref name="options"/>.</summary>
    public PairwisePreferenceObjective(PreferenceDataset data, PreferenceLossOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        Options = options ?? PreferenceLossOptions.Plain;
        Options.Validate();
    }

    /// <summary>The labelled pairs.</summary>
    public PreferenceDataset Data { get; }

    /// <summary>Noise, margin and smoothing.</summary>
    public PreferenceLossOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "pairwise preference";

    /// <inheritdoc/>
    public int Count => Data.Count;

    /// <inheritdoc/>
    public ObjectiveTerms Terms(RewardEncoder member, Tensor indices)
    {
        var left = Data.Left.Select(indices);
        var right = Data.Right.Select(indices);
        var targets = Data.Targets.index_select(0, indices);
        var margins = Data.Margins?.index_select(0, indices);
        var leftScores = ItemScores.Total(member.forward(left.Inputs, left.Mask), left.Mask);
        var rightScores = ItemScores.Total(member.forward(right.Inputs, right.Mask), right.Mask);
        return new ObjectiveTerms(
            BradleyTerryLoss.PairLosses(leftScores, rightScores, targets, Options, margins),
            BradleyTerryLoss.Correct(leftScores, rightScores, targets),
            BradleyTerryLoss.Decided(targets));
    }
}
