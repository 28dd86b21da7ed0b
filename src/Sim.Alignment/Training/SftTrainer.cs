using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Foundation;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Torch.Optimizers;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Training;

/// <summary>Supervised fine-tuning (TRL's <c>SFTTrainer</c>): next-token cross-entropy on the completion tokens and their
/// EOS, averaged over the tokens of the batch; the prompt is context only.</summary>
/// <remarks>Logs <c>losses/sft</c> (nats per completion token), <c>charts/tokens_per_second</c>, <c>charts/epoch</c>
/// and, with held-out data, <c>eval/loss</c>; writes <c>model.bin</c>.</remarks>
public sealed class SftTrainer : AlignmentTrainer<SftConfig>
{
    /// <summary>The trained model's file in a run folder.</summary>
    public const string ModelFileName = "model.bin";

    private readonly IReadOnlyList<TokenizedCompletion> _train;
    private readonly IReadOnlyList<TokenizedCompletion> _eval;
    private readonly CompletionCollator _collator;
    private readonly EpochOrder _order;
    private readonly Adam _optimizer;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;

    /// <summary>A trainer of <paramref name="model"/> (on the config's device) on <paramref name="train"/>, evaluated on <paramref name="eval"/>.</summary>
    /// <exception cref="ArgumentException">Naming the example when one does not fit the model's context.</exception>
    public SftTrainer(SftConfig config, BpeTokenizer tokenizer, CausalTransformer model,
        IReadOnlyList<TokenizedCompletion> train, IReadOnlyList<TokenizedCompletion>? eval = null) : base(config, tokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        if (model.Config.VocabularySize != tokenizer.VocabularySize)
            throw new ArgumentException($"the model reads {model.Config.VocabularySize} ids but the tokenizer has {tokenizer.VocabularySize}: expected the model built for this tokenizer", nameof(model));
        Model = model;
        _collator = new CompletionCollator(model.Config.ContextLength);
        for (int i = 0; i < train.Count; i++) _collator.Check(train[i], $"example {i}");
        _eval = eval ?? [];
        for (int i = 0; i < _eval.Count; i++) _collator.Check(_eval[i], $"eval example {i}");
        _train = train;
        _order = new EpochOrder(config.Seed, "sft-data-order", train.Count, config.BatchSize);
        Model.to(Device);
        _parameters = Model.parameters().ToArray();
        _optimizer = new Adam(_parameters, lr: config.LearningRate);
    }

    /// <summary>Builds the model an <see cref="SftConfig"/> asks for: loaded from <see cref="SftConfig.InitFrom"/> (checked
    /// against <paramref name="tokenizer"/>), or fresh weights from the seed's <c>model-init</c> stream.</summary>
    public static CausalTransformer CreateModel(SftConfig config, BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (config.InitFrom is not null) return LanguageModelFile.Load(config.InitFrom, tokenizer);
        using var generator = new Generator(SeedDerivation.Derive(config.Seed, "model-init"), CPU);
        return new CausalTransformer(config.Model with { VocabularySize = tokenizer.VocabularySize }, generator);
    }

    /// <summary>The model being trained.</summary>
    public CausalTransformer Model { get; }

    /// <inheritdoc/>
    public override string Algorithm => "sft";

    /// <inheritdoc/>
    public override long TotalSteps => (long)Config.Epochs * _order.BatchesPerEpoch;

    /// <inheritdoc/>
    public override LearningCurve Curve { get; } = new("losses/sft", "completion loss (nats/token)", "logged step");

    /// <summary>Mean negative log-likelihood per completion token over <paramref name="examples"/>, without gradients.</summary>
    public double Loss(IReadOnlyList<TokenizedCompletion> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var total = zeros(2, dtype: ScalarType.Float64, device: Device);
        for (int start = 0; start < examples.Count; start += Config.BatchSize)
        {
            var chunk = examples.Skip(start).Take(Config.BatchSize).ToList();
            var logProbs = CompletionLogProbs.Of(Model, _collator.Pack(chunk, Device));
            total.add_(stack(new[] { logProbs.PerToken.sum().neg(), logProbs.Mask.sum() }).to_type(ScalarType.Float64), One);
        }
        var host = total.cpu().data<double>().ToArray();
        return host[0] / host[1];
    }

    /// <inheritdoc/>
    protected override long TrainStep(long step, IMetricSink? metrics)
    {
        using var scope = NewDisposeScope();
        var indices = _order.Batch(step);
        var examples = new TokenizedCompletion[indices.Length];
        long tokens = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            examples[i] = _train[indices[i]];
            tokens += examples[i].SequenceLength;
        }
        var logProbs = CompletionLogProbs.Of(Model, _collator.Pack(examples, Device));
        // Averaged over the completion tokens of the whole batch, so every token weighs the same whatever its sequence.
        var loss = logProbs.PerToken.sum().neg() / logProbs.Mask.sum();
        _optimizer.zero_grad();
        loss.backward();
        GradientClipping.ClipByGlobalNorm(_parameters, Config.MaxGradNorm);
        _optimizer.step();
        if (metrics is not null)
        {
            metrics.Log("losses/sft", loss.item<float>(), step + 1);
            metrics.Log("charts/epoch", (double)(step + 1) / _order.BatchesPerEpoch, step + 1);
        }
        return tokens;
    }

    /// <inheritdoc/>
    protected override void Evaluate(IMetricSink metrics)
    {
        if (_eval.Count > 0) metrics.Log("eval/loss", Loss(_eval), GlobalStep);
    }

    /// <inheritdoc/>
    protected override void SaveState(CheckpointContents contents)
    {
        contents.AddModule("model", Model);
        contents.AddOptimizer("optimizer", _optimizer);
    }

    /// <inheritdoc/>
    protected override void LoadState(Checkpoint checkpoint)
    {
        checkpoint.LoadModule("model", Model);
        checkpoint.LoadOptimizer("optimizer", _optimizer);
    }

    /// <inheritdoc/>
    public override void SaveOutputs(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        LanguageModelFile.Save(Path.Combine(run.Path, ModelFileName), Model, Tokenizer);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _optimizer.Dispose();
        Model.Dispose();
    }
}
