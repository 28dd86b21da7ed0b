using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Losses;

/// <summary>The Bradley–Terry preference loss on item scores, written once for every kind of item (robot segments, token
/// sequences): P̂(left ≻ right) = σ(s_left − s_right), trained with cross-entropy against a target probability.</summary>
/// <remarks>
/// Scores are whatever the encoder gives per item: for a robot segment the sum of its step rewards (so σ of the difference
/// is the softmax over the two sums of PEBBLE), for a language model one score per sequence (TRL's
/// −log σ(chosen − rejected)). Targets are P(left ≻ right) from <see cref="PreferenceTargets"/>: 1, 0, or 0.5 for Equal.
/// </remarks>
public static class BradleyTerryLoss
{
    /// <summary>P̂(left ≻ right) = σ(left − right) per pair, with no random-answer mixing.</summary>
    public static Tensor Probability(Tensor leftScores, Tensor rightScores)
    {
        using var logits = leftScores - rightScores;
        return logits.sigmoid();
    }

    /// <summary>The loss averaged over the pairs: a scalar tensor.</summary>
    /// <param name="leftScores">Scores of the left items, <c>[pairs]</c>.</param>
    /// <param name="rightScores">Scores of the right items, <c>[pairs]</c>.</param>
    /// <param name="targets">Target P(left ≻ right) per pair, <c>[pairs]</c>: 1, 0 or 0.5.</param>
    /// <param name="options">Noise, margin and smoothing; the plain loss when null.</param>
    /// <param name="margins">Optional per-pair margins added to <see cref="PreferenceLossOptions.Margin"/>, <c>[pairs]</c>.</param>
    public static Tensor Loss(Tensor leftScores, Tensor rightScores, Tensor targets, PreferenceLossOptions? options = null, Tensor? margins = null)
    {
        using var perPair = PairLosses(leftScores, rightScores, targets, options, margins);
        return perPair.mean();
    }

    /// <summary>The loss of each pair, <c>[pairs]</c>: −[ỹ·log P + (1 − ỹ)·log(1 − P)] with P = (1 − ε)·σ(z) + ε/2,
    /// z the score difference shifted by the margin towards the preferred side, and ỹ the smoothed target; plus
    /// c·(s_left + s_right)² with the centring coefficient c.</summary>
    public static Tensor PairLosses(Tensor leftScores, Tensor rightScores, Tensor targets, PreferenceLossOptions? options = null, Tensor? margins = null)
    {
        options ??= PreferenceLossOptions.Plain;
        options.Validate();
        using var scope = NewDisposeScope();
        var logits = Logits(leftScores, rightScores, targets, options.Margin, margins);
        var smoothed = SmoothedTargets(targets, options.LabelSmoothing);
        var minusSmoothed = smoothed.neg();
        var otherTargets = minusSmoothed.add(One, One);

        Tensor logLeft, logRight;
        var minusLogits = logits.neg();
        if (options.RandomAnswerProbability == 0)
        {
            // log σ(−z) is log(1 − σ(z)) without the cancellation of 1 − σ(z) for large z.
            logLeft = nn.functional.logsigmoid(logits);
            logRight = nn.functional.logsigmoid(minusLogits);
        }
        else
        {
            // Both probabilities are at least ε/2 > 0, so their logs are finite; 1 − P is formed from σ(−z) for accuracy.
            using var keep = (1 - options.RandomAnswerProbability).ToScalar();
            using var floor = (options.RandomAnswerProbability / 2).ToScalar();
            logLeft = logits.sigmoid().mul(keep).add(floor, One).log();
            logRight = minusLogits.sigmoid().mul(keep).add(floor, One).log();
        }
        var weightedLeft = smoothed * logLeft;
        var weightedRight = otherTargets * logRight;
        var logLikelihood = weightedLeft.add(weightedRight, One);
        var losses = logLikelihood.neg();
        if (options.Centering > 0)
        {
            using var centering = options.Centering.ToScalar();
            var sum = leftScores.add(rightScores, One);
            losses = losses.add(sum.pow(Two), centering);
        }
        return losses.MoveToOuterDisposeScope();
    }

    /// <summary>1 where the pair has a side (target ≠ 0.5) and the higher score is on that side, else 0, <c>[pairs]</c>.</summary>
    /// <remarks>A tie in score counts as predicting Right.</remarks>
    public static Tensor Correct(Tensor leftScores, Tensor rightScores, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var difference = leftScores - rightScores;
        var predictedLeft = difference.gt(Zero);
        var labelledLeft = targets.gt(OneHalf);
        var agrees = predictedLeft.eq(labelledLeft);
        var decided = targets.ne(OneHalf);
        return agrees.logical_and(decided).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>1 where the pair has a side (target ≠ 0.5, i.e. not Equal), else 0, <c>[pairs]</c>: the denominator of the accuracy.</summary>
    public static Tensor Decided(Tensor targets)
    {
        using var decided = targets.ne(OneHalf);
        return decided.to_type(ScalarType.Float32);
    }

    private static Tensor Logits(Tensor leftScores, Tensor rightScores, Tensor targets, double margin, Tensor? margins)
    {
        var difference = leftScores - rightScores;
        if (margin == 0 && margins is null) return difference;
        // sign(y − 0.5) is +1 for Left, −1 for Right and 0 for Equal, so the margin always works against the preferred side.
        var side = targets.add(MinusOneHalf, One).sign();
        Tensor total;
        if (margins is null)
        {
            using var marginScalar = margin.ToScalar();
            total = side.mul(marginScalar);
        }
        else
        {
            using var marginScalar = margin.ToScalar();
            total = side * margins.add(marginScalar, One);
        }
        return difference - total;
    }

    private static Tensor SmoothedTargets(Tensor targets, double smoothing)
    {
        if (smoothing == 0) return targets.alias();
        // y(1 − 2α) + α maps 1 → 1 − α, 0 → α and keeps 0.5.
        using var slope = (1 - 2 * smoothing).ToScalar();
        using var offset = smoothing.ToScalar();
        return targets.mul(slope).add(offset, One);
    }
}
