using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot.Dynamics;

/// <summary>The two next-state consistency losses REED reports, over predictions <c>[batch, d]</c> and targets
/// <c>[batch, d]</c>; both treat the targets as constants (stop-gradient), whatever graph they come from.</summary>
public static class ConsistencyLoss
{
    // libtorch's default epsilon of cosine_similarity and normalize: guards a zero vector, too small to matter otherwise.
    const double Epsilon = 1e-8;

    /// <summary>SimSiam's loss, the negative mean cosine similarity −mean_i cos(p_i, z′_i), in [−1, 1].</summary>
    public static Tensor SimSiam(Tensor predicted, Tensor targets)
    {
        CheckShapes(predicted, targets);
        using var scope = NewDisposeScope();
        return TorchSharp.torch.nn.functional.cosine_similarity(predicted, targets.detach(), dim: 1, eps: Epsilon).mean().neg().MoveToOuterDisposeScope();
    }

    /// <summary>InfoNCE with the batch's other next states as negatives: the mean over i of
    /// −log softmax_j(cos(p_i, z′_j) / τ)[i].</summary>
    public static Tensor InfoNce(Tensor predicted, Tensor targets, double temperature)
    {
        CheckShapes(predicted, targets);
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"temperature = {temperature}: expected a finite temperature > 0");
        using var scope = NewDisposeScope();
        using var inverse = (1.0 / temperature).ToScalar();
        var p = TorchSharp.torch.nn.functional.normalize(predicted, p: 2, dim: 1, eps: Epsilon);
        var z = TorchSharp.torch.nn.functional.normalize(targets.detach(), p: 2, dim: 1, eps: Epsilon);
        var logits = p.matmul(z.t()).mul(inverse);
        var own = arange(predicted.shape[0], dtype: ScalarType.Int64, device: predicted.device);
        return TorchSharp.torch.nn.functional.cross_entropy(logits, own).MoveToOuterDisposeScope();
    }

    static void CheckShapes(Tensor predicted, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(targets);
        if (predicted.dim() != 2 || !predicted.shape.SequenceEqual(targets.shape))
            throw new ArgumentException(
                $"predictions [{string.Join(", ", predicted.shape)}] and targets [{string.Join(", ", targets.shape)}]: expected two [batch, d] tensors of the same shape");
        if (predicted.shape[0] < 1) throw new ArgumentException("an empty batch: expected at least one transition");
    }
}
