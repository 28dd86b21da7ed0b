using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>Sequence-sum regression: the per-position scores of an item (step or token rewards) must add up to the
/// item's target, e.g. an episode return or a final grade, with squared error. It attributes a whole-item target to
/// positions; it has no accuracy (reported as NaN).</summary>
public sealed class SequenceSumObjective : IRewardObjective
{
    /// <summary>The objective over <paramref name="data"/>, whose targets must be finite.</summary>
    public SequenceSumObjective(ItemTargetDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        for (int i = 0; i < data.HostTargets.Count; i++)
        {
            if (!float.IsFinite(data.HostTargets[i]))
                throw new ArgumentOutOfRangeException(nameof(data), data.HostTargets[i], $"target {i} = {data.HostTargets[i]}: a target sum must be finite");
        }
        Data = data;
    }

    /// <summary>The items and their target sums.</summary>
    public ItemTargetDataset Data { get; }

    /// <inheritdoc/>
    public string Name => "sequence-sum regression";

    /// <inheritdoc/>
    public int Count => Data.Count;

    /// <inheritdoc/>
    public ObjectiveTerms Terms(RewardEncoder member, Tensor indices)
    {
        var items = Data.Items.Select(indices);
        var targets = Data.Targets.index_select(0, indices);
        var sums = ItemScores.Total(member.forward(items.Inputs, items.Mask), items.Mask);
        var errors = sums - targets;
        var none = zeros_like(targets);
        return new ObjectiveTerms(errors.pow(Two), none, none);
    }
}
