using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>Binary cross-entropy on a label per item: the item's score is the logit of P(good), and the target is 1
/// (good) or 0 (bad), or a soft label between. Accuracy counts items whose label is not 0.5, by the sign of the score.</summary>
public sealed class PointwiseClassificationObjective : IRewardObjective
{
    /// <summary>The objective over <paramref name="data"/>, whose targets must be probabilities in [0, 1].</summary>
    public PointwiseClassificationObjective(ItemTargetDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        for (int i = 0; i < data.HostTargets.Count; i++)
        {
            float y = data.HostTargets[i];
            if (!(y >= 0 && y <= 1))
                throw new ArgumentOutOfRangeException(nameof(data), y, $"target {i} = {y}: a classification label must be a probability in [0, 1]");
        }
        Data = data;
    }

    /// <summary>The labelled items.</summary>
    public ItemTargetDataset Data { get; }

    /// <inheritdoc/>
    public string Name => "pointwise classification";

    /// <inheritdoc/>
    public int Count => Data.Count;

    /// <inheritdoc/>
    public ObjectiveTerms Terms(RewardEncoder member, Tensor indices)
    {
        var items = Data.Items.Select(indices);
        var targets = Data.Targets.index_select(0, indices);
        var logits = ItemScores.Total(member.forward(items.Inputs, items.Mask), items.Mask);
        var losses = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        var counted = targets.ne(OneHalf).to_type(ScalarType.Float32);
        var correct = logits.gt(Zero).eq(targets.gt(OneHalf)).to_type(ScalarType.Float32) * counted;
        return new ObjectiveTerms(losses, correct, counted);
    }
}
