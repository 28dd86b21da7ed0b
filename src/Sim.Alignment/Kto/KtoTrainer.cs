using Sim.Alignment.Losses;
using Sim.Alignment.Model;
using Sim.Alignment.Policy;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Alignment.Kto;

/// <summary>Trains a policy with KTO on unpaired examples (TRL's <c>KTOTrainer</c>): each step scores the batch's
/// completions under the policy and the frozen reference, and estimates the reference point z0 from the same prompts
/// paired with the batch's completions shifted by one (TRL's KL dataset), without gradients.</summary>
/// <remarks>Logs <c>losses/kto</c>, <c>rewards/chosen</c> and <c>rewards/rejected</c> (mean implicit reward of the
/// desirable and undesirable examples, NaN when the batch has none), <c>kl</c> (z0), and with held-out examples
/// <c>eval/loss</c>; writes <c>model.bin</c>.</remarks>
public sealed class KtoTrainer : PolicyTrainer<KtoConfig>
{
    private readonly IReadOnlyList<TokenizedUnpaired> _train;
    private readonly IReadOnlyList<TokenizedUnpaired> _eval;
    private readonly CausalTransformer _reference;
    private readonly CompletionCollator _collator;
    private readonly EpochOrder _order;
    private readonly KtoLossOptions _loss;

    /// <summary>A trainer of <paramref name="policy"/> against <paramref name="reference"/> (owned by the trainer from here)
    /// on <paramref name="train"/>, evaluated on <paramref name="eval"/>.</summary>
    /// <exception cref="ArgumentException">An example that does not fit the context (naming it), a reference of another
    /// config, or fewer than two training examples.</exception>
    public KtoTrainer(KtoConfig config, BpeTokenizer tokenizer, CausalTransformer policy, CausalTransformer reference,
        IReadOnlyList<TokenizedUnpaired> train, IReadOnlyList<TokenizedUnpaired>? eval = null) : base(config, tokenizer, policy)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(train);
        if (reference.Config != policy.Config)
            throw new ArgumentException("the reference model's config differs from the policy's: expected the same SFT model for both", nameof(reference));
        if (train.Count < 2) throw new ArgumentException($"{train.Count} training examples: KTO needs at least 2", nameof(train));
        _loss = config.LossOptions();
        _collator = new CompletionCollator(policy.Config.ContextLength);
        Check(train, "training");
        _eval = eval ?? [];
        Check(_eval, "held-out");
        _train = train;
        _order = new EpochOrder(config.Seed, "kto-data-order", train.Count, config.BatchSize);
        _reference = reference;
        _reference.to(Device);
        _reference.eval();
    }

    /// <summary>Loads the policy and the reference from <see cref="KtoConfig.InitFrom"/>, checked against <paramref name="tokenizer"/>.</summary>
    /// <exception cref="ArgumentException">When the config names no SFT model.</exception>
    public static (CausalTransformer Policy, CausalTransformer Reference) LoadModels(KtoConfig config, BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.InitFrom is null) throw new ArgumentException("InitFrom is not set: KTO starts from an SFT model.bin (and uses it as the reference)");
        return (LanguageModelFile.Load(config.InitFrom, tokenizer), LanguageModelFile.Load(config.InitFrom, tokenizer));
    }

    /// <inheritdoc/>
    public override string Algorithm => "kto";

    /// <inheritdoc/>
    public override long TotalSteps => (long)Config.Epochs * _order.BatchesPerEpoch;

    /// <inheritdoc/>
    public override LearningCurve Curve { get; } = new("losses/kto", "KTO loss", "logged step");

    /// <summary>Mean loss over <paramref name="examples"/> (the held-out ones when null) in consecutive batches, without gradients.</summary>
    public double Evaluate(IReadOnlyList<TokenizedUnpaired>? examples = null)
    {
        examples ??= _eval;
        using var noGrad = no_grad();
        double loss = 0;
        int counted = 0;
        for (int start = 0; start + 1 < examples.Count; start += Config.BatchSize)
        {
            using var scope = NewDisposeScope();
            // A last batch of one has no other completion to mismatch with, so it is left out.
            var indices = Enumerable.Range(start, Math.Min(Config.BatchSize, examples.Count - start)).ToArray();
            if (indices.Length < 2) break;
            loss += Step(examples, indices).Losses.sum().item<float>();
            counted += indices.Length;
        }
        return counted == 0 ? double.NaN : loss / counted;
    }

    /// <inheritdoc/>
    protected override long TrainStep(long step, IMetricSink? metrics)
    {
        using var scope = NewDisposeScope();
        var indices = _order.Batch(step).ToArray();
        // The epoch's last batch can hold a single example; borrow the one before it so there is a mismatched completion.
        if (indices.Length == 1) indices = [indices[0], _order.Batch(step - 1)[0]];
        long tokens = 0;
        foreach (int i in indices) tokens += _train[i].Item.SequenceLength;
        var result = Step(_train, indices);
        Optimize(result.Loss);
        if (metrics is not null)
        {
            long at = step + 1;
            metrics.Log("losses/kto", result.Loss.item<float>(), at);
            metrics.Log("kl", result.ReferencePoint.item<float>(), at);
            var rewards = result.Rewards.cpu().data<float>().ToArray();
            var desirable = indices.Select(i => _train[i].Desirable).ToArray();
            metrics.Log("rewards/chosen", MeanWhere(rewards, desirable, true), at);
            metrics.Log("rewards/rejected", MeanWhere(rewards, desirable, false), at);
            metrics.Log("charts/epoch", (double)at / _order.BatchesPerEpoch, at);
        }
        return tokens;
    }

    /// <inheritdoc/>
    protected override void Evaluate(IMetricSink metrics)
    {
        if (_eval.Count >= 2) metrics.Log("eval/loss", Evaluate(), GlobalStep);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _reference.Dispose();
        base.Dispose();
    }

    private KtoLossResult Step(IReadOnlyList<TokenizedUnpaired> examples, int[] indices)
    {
        int n = indices.Length;
        var matched = new TokenizedCompletion[n];
        var mismatched = new TokenizedCompletion[n];
        var desirable = new float[n];
        for (int i = 0; i < n; i++)
        {
            var example = examples[indices[i]];
            matched[i] = example.Item;
            // Prompt i with completion i − 1 (cyclically), as TRL builds its KL dataset.
            mismatched[i] = Mismatched(example, examples[indices[(i + n - 1) % n]].Completion);
            desirable[i] = example.Desirable ? 1 : 0;
        }
        var policy = CompletionLogProbs.Of(Policy, _collator.Pack(matched, Device)).Sum;
        Tensor reference, policyMismatched, referenceMismatched;
        using (no_grad())
        {
            var mismatchedBatch = _collator.Pack(mismatched, Device);
            reference = CompletionLogProbs.Of(_reference, _collator.Pack(matched, Device)).Sum;
            policyMismatched = CompletionLogProbs.Of(Policy, mismatchedBatch).Sum;
            referenceMismatched = CompletionLogProbs.Of(_reference, mismatchedBatch).Sum;
        }
        return KtoLoss.Compute(new UnpairedLogProbs(policy, reference, tensor(desirable).to(Device), policyMismatched, referenceMismatched), _loss);
    }

    // Another example's completion can be too long for this prompt; it only feeds a detached mean, so it is cut to fit
    // (or, when the prompt leaves no room for it, the example's own completion stands in).
    private TokenizedCompletion Mismatched(TokenizedUnpaired example, int[] completion)
    {
        int room = _collator.ContextLength - 2 - example.Prompt.Length;
        if (room < 1) return example.Item;
        return new TokenizedCompletion(example.Prompt, completion.Length <= room ? completion : completion[..room]);
    }

    private static double MeanWhere(float[] values, bool[] flags, bool wanted)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (flags[i] != wanted) continue;
            sum += values[i];
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    private void Check(IReadOnlyList<TokenizedUnpaired> examples, string which)
    {
        for (int i = 0; i < examples.Count; i++) _collator.Check(examples[i].Item, $"{which} example {i}");
    }
}
