using Sim.Alignment.Losses;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Policy;
using Sim.Alignment.Training;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Alignment.Dpo;

/// <summary>Trains a policy on preference pairs with a loss of the DPO family (TRL's <c>DPOTrainer</c>; SimPO as TRL's
/// <c>CPOTrainer</c> does it, without a reference): each step packs the chosen and rejected completions of a batch into
/// one forward pass, and the frozen reference's log-probabilities are computed once up front.</summary>
/// <remarks>Logs <c>losses/dpo</c>, TRL's <c>rewards/chosen</c>, <c>rewards/rejected</c>, <c>rewards/margins</c>,
/// <c>rewards/accuracies</c>, <c>logps/chosen</c>, <c>logps/rejected</c>, and with held-out pairs <c>eval/loss</c> and
/// <c>eval/rewards_accuracy</c>; writes <c>model.bin</c>.</remarks>
public sealed class DpoTrainer : PolicyTrainer<DpoConfig>
{
    private readonly IReadOnlyList<TokenizedPreference> _train;
    private readonly IReadOnlyList<TokenizedPreference> _eval;
    private readonly (SequenceLogProbs Chosen, SequenceLogProbs Rejected)? _trainReference;
    private readonly (SequenceLogProbs Chosen, SequenceLogProbs Rejected)? _evalReference;
    private readonly CompletionCollator _collator;
    private readonly EpochOrder _order;
    private readonly DpoLossOptions _loss;

    /// <summary>A trainer of <paramref name="policy"/> against <paramref name="reference"/> (null only for SimPO; it is
    /// read once here and may be disposed afterwards) on <paramref name="train"/>, evaluated on <paramref name="eval"/>.</summary>
    /// <exception cref="ArgumentException">A pair that does not fit the context (naming it), a policy or reference of
    /// another vocabulary, or no reference for a variant that needs one.</exception>
    public DpoTrainer(DpoConfig config, BpeTokenizer tokenizer, CausalTransformer policy, CausalTransformer? reference,
        IReadOnlyList<TokenizedPreference> train, IReadOnlyList<TokenizedPreference>? eval = null) : base(config, tokenizer, policy)
    {
        ArgumentNullException.ThrowIfNull(train);
        _loss = config.LossOptions();
        if (_loss.UsesReference && reference is null)
            throw new ArgumentException($"the {config.Variant} loss compares against a reference model: give the SFT model as the reference", nameof(reference));
        if (reference is not null && reference.Config != policy.Config)
            throw new ArgumentException("the reference model's config differs from the policy's: expected the same SFT model for both", nameof(reference));
        _collator = new CompletionCollator(policy.Config.ContextLength);
        Check(train, "training");
        _eval = eval ?? [];
        Check(_eval, "held-out");
        _train = train;
        _order = new EpochOrder(config.Seed, "dpo-data-order", train.Count, config.BatchSize);
        if (_loss.UsesReference && reference is not null)
        {
            reference.to(Device);
            reference.eval();
            _trainReference = ReferenceOf(reference, train);
            _evalReference = _eval.Count > 0 ? ReferenceOf(reference, _eval) : null;
        }
    }

    /// <summary>Loads the policy and, except for SimPO, the reference from <see cref="DpoConfig.InitFrom"/>, checked
    /// against <paramref name="tokenizer"/>.</summary>
    /// <exception cref="ArgumentException">When the config names no SFT model.</exception>
    public static (CausalTransformer Policy, CausalTransformer? Reference) LoadModels(DpoConfig config, BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.InitFrom is null) throw new ArgumentException("InitFrom is not set: DPO starts from an SFT model.bin (and uses it as the reference)");
        var policy = LanguageModelFile.Load(config.InitFrom, tokenizer);
        var reference = config.LossOptions().UsesReference ? LanguageModelFile.Load(config.InitFrom, tokenizer) : null;
        return (policy, reference);
    }

    /// <inheritdoc/>
    public override string Algorithm => Config.Variant == DpoVariant.Sigmoid ? "dpo" : $"dpo-{Config.Variant.ToString().ToLowerInvariant()}";

    /// <inheritdoc/>
    public override long TotalSteps => (long)Config.Epochs * _order.BatchesPerEpoch;

    /// <inheritdoc/>
    public override LearningCurve Curve { get; } = new("losses/dpo", "preference loss", "logged step");

    /// <summary>Mean loss and the share of pairs whose chosen completion gets the strictly higher implicit reward, over
    /// <paramref name="pairs"/> (the held-out ones when null), without gradients.</summary>
    public (double Loss, double RewardAccuracy) Evaluate(IReadOnlyList<TokenizedPreference>? pairs = null)
    {
        pairs ??= _eval;
        var reference = ReferenceFor(pairs);
        using var noGrad = no_grad();
        double loss = 0, correct = 0;
        for (int start = 0; start < pairs.Count; start += Config.BatchSize)
        {
            using var scope = NewDisposeScope();
            var indices = Enumerable.Range(start, Math.Min(Config.BatchSize, pairs.Count - start)).ToArray();
            var result = Step(pairs, indices, reference);
            loss += result.Losses.sum().item<float>();
            correct += result.Accuracies().sum().item<float>();
        }
        return (loss / pairs.Count, correct / pairs.Count);
    }

    /// <inheritdoc/>
    protected override long TrainStep(long step, IMetricSink? metrics)
    {
        using var scope = NewDisposeScope();
        var indices = _order.Batch(step).ToArray();
        long tokens = 0;
        foreach (int i in indices) tokens += _train[i].ChosenItem.SequenceLength + _train[i].RejectedItem.SequenceLength;
        var result = Step(_train, indices, _trainReference, out var chosenLogps, out var rejectedLogps);
        Optimize(result.Loss);
        if (metrics is not null)
        {
            long at = step + 1;
            metrics.Log("losses/dpo", result.Loss.item<float>(), at);
            metrics.Log("rewards/chosen", result.ChosenRewards.mean().item<float>(), at);
            metrics.Log("rewards/rejected", result.RejectedRewards.mean().item<float>(), at);
            metrics.Log("rewards/margins", result.Margins.mean().item<float>(), at);
            metrics.Log("rewards/accuracies", result.Accuracies().mean().item<float>(), at);
            metrics.Log("logps/chosen", chosenLogps.detach().mean().item<float>(), at);
            metrics.Log("logps/rejected", rejectedLogps.detach().mean().item<float>(), at);
            metrics.Log("charts/epoch", (double)at / _order.BatchesPerEpoch, at);
        }
        return tokens;
    }

    /// <inheritdoc/>
    protected override void Evaluate(IMetricSink metrics)
    {
        if (_eval.Count == 0) return;
        var (loss, accuracy) = Evaluate();
        metrics.Log("eval/loss", loss, GlobalStep);
        metrics.Log("eval/rewards_accuracy", accuracy, GlobalStep);
    }

    private DpoLossResult Step(IReadOnlyList<TokenizedPreference> pairs, int[] indices, (SequenceLogProbs Chosen, SequenceLogProbs Rejected)? reference) =>
        Step(pairs, indices, reference, out _, out _);

    // Chosen and rejected completions go through the policy as one batch of 2·pairs sequences (TRL's concatenated forward).
    private DpoLossResult Step(IReadOnlyList<TokenizedPreference> pairs, int[] indices, (SequenceLogProbs Chosen, SequenceLogProbs Rejected)? reference,
        out Tensor chosenLogps, out Tensor rejectedLogps)
    {
        var items = new TokenizedCompletion[2 * indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            items[i] = pairs[indices[i]].ChosenItem;
            items[indices.Length + i] = pairs[indices[i]].RejectedItem;
        }
        var logProbs = CompletionLogProbs.Of(Policy, _collator.Pack(items, Device));
        var tokens = logProbs.Mask.sum(1);
        chosenLogps = logProbs.Sum.narrow(0, 0, indices.Length);
        rejectedLogps = logProbs.Sum.narrow(0, indices.Length, indices.Length);
        var input = new PairLogProbs(
            chosenLogps, rejectedLogps,
            reference?.Chosen.SumsAt(indices, Device), reference?.Rejected.SumsAt(indices, Device),
            tokens.narrow(0, 0, indices.Length), tokens.narrow(0, indices.Length, indices.Length));
        return DpoLoss.Compute(input, _loss);
    }

    private (SequenceLogProbs Chosen, SequenceLogProbs Rejected)? ReferenceFor(IReadOnlyList<TokenizedPreference> pairs)
    {
        if (!_loss.UsesReference) return null;
        if (ReferenceEquals(pairs, _train)) return _trainReference;
        if (ReferenceEquals(pairs, _eval)) return _evalReference;
        throw new ArgumentException("pairs other than the trainer's training or held-out pairs have no reference log-probabilities", nameof(pairs));
    }

    private (SequenceLogProbs, SequenceLogProbs) ReferenceOf(CausalTransformer reference, IReadOnlyList<TokenizedPreference> pairs) => (
        SequenceLogProbs.Of(reference, _collator, pairs.Select(p => p.ChosenItem).ToList(), Config.BatchSize, Device),
        SequenceLogProbs.Of(reference, _collator, pairs.Select(p => p.RejectedItem).ToList(), Config.BatchSize, Device));

    private void Check(IReadOnlyList<TokenizedPreference> pairs, string which)
    {
        for (int i = 0; i < pairs.Count; i++)
        {
            _collator.Check(pairs[i].ChosenItem, $"{which} pair {i} (chosen)");
            _collator.Check(pairs[i].RejectedItem, $"{which} pair {i} (rejected)");
        }
    }
}
