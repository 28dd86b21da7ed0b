using Sim.Alignment.Model;
using Sim.Alignment.Rewards;
using Sim.Alignment.Tokenization;
using Sim.Foundation;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Losses;
using Sim.Rewards.Models;
using Sim.Rewards.Objectives;
using Sim.Rewards.Preferences;

namespace Sim.Alignment.Training;

/// <summary>Trains a text reward model on preference pairs (TRL's <c>RewardTrainer</c>): the reward core's
/// <see cref="RewardModel{TItem}"/> with <see cref="TextRewardEncoder"/> members, trained by its
/// <see cref="RewardEnsemble"/> on its <see cref="PairwisePreferenceObjective"/>. Nothing here computes a preference loss.</summary>
/// <remarks>Each pair enters with the chosen completion on the left and the label Left, so the ensemble's accuracy
/// (<c>reward/accuracy</c>) is already RewardBench's strict one; <c>eval/accuracy</c> measures the aggregated model on
/// the held-out pairs. After every epoch (and after a resume) the member scales and the normaliser are refitted on the
/// training completions, so evaluation and <c>reward_model.bin</c> use the current members.</remarks>
public sealed class RewardTrainer : AlignmentTrainer<RewardConfig>
{
    /// <summary>The trained model's file in a run folder.</summary>
    public const string ModelFileName = "reward_model.bin";

    private const string SamplingPart = "ensemble-sampling";

    private readonly IReadOnlyList<TokenizedPreference> _train;
    private readonly IReadOnlyList<TokenizedPreference> _eval;
    private readonly PreferenceDataset _data;
    private readonly PairwisePreferenceObjective _objective;
    private readonly long _tokensPerEpoch;

    /// <summary>A trainer on <paramref name="train"/>, evaluated on <paramref name="eval"/>.</summary>
    /// <exception cref="ArgumentException">Naming the pair when one does not fit the model's context.</exception>
    public RewardTrainer(RewardConfig config, BpeTokenizer tokenizer, IReadOnlyList<TokenizedPreference> train, IReadOnlyList<TokenizedPreference>? eval = null)
        : base(config, tokenizer)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("no preference pairs to train on: expected at least one", nameof(train));
        var starts = new List<CausalTransformer>();
        try
        {
            // One SFT start for every member (a fine-tune ensemble), one per member (a pretrain ensemble), or none.
            foreach (string path in config.MemberInitFrom ?? (config.InitFrom is null ? [] : [config.InitFrom]))
                starts.Add(LanguageModelFile.Load(path, tokenizer));
            var shape = starts.Count > 0 ? starts[0].Config : config.Model with { VocabularySize = tokenizer.VocabularySize };
            var memberModels = config.MemberInitFrom is null
                ? config.MemberModels?.Select(m => m with { VocabularySize = tokenizer.VocabularySize }).ToList()
                : starts.All(s => s.Config == shape) ? null : starts.Select(s => s.Config).ToList();
            ModelConfig = new TextRewardModelConfig(shape, new EnsembleConfig
            {
                Members = config.Members,
                LearningRate = config.LearningRate,
                BatchSize = config.BatchSize,
                MaxEpochs = 1,
                StopAtAccuracy = null,
                Sampling = config.Sampling,
                Loss = new PreferenceLossOptions(Margin: config.Margin, Centering: config.Centering),
                Seed = SeedDerivation.Derive(config.Seed, "reward-model"),
            }, config.Aggregation, config.Normalization, tokenizer.Identity, memberModels);
            var collator = new CompletionCollator(shape.ContextLength);
            for (int i = 0; i < train.Count; i++) CheckPair(collator, train[i], $"pair {i}");
            _eval = eval ?? [];
            for (int i = 0; i < _eval.Count; i++) CheckPair(collator, _eval[i], $"eval pair {i}");
            _train = train;
            Model = TextRewardModel.Create(ModelConfig, Device);
            if (starts.Count > 0)
                for (int m = 0; m < Model.Ensemble.MemberCount; m++)
                    ((TextRewardEncoder)Model.Ensemble.Members[m]).LoadTrunk(starts[starts.Count == 1 ? 0 : m]);
        }
        finally
        {
            foreach (var start in starts) start.Dispose();
        }
        _data = PreferenceDataset.Create(Model.Collator, train.Select(p => p.ChosenItem).ToList(), train.Select(p => p.RejectedItem).ToList(),
            Enumerable.Repeat(PreferenceLabel.Left, train.Count).ToList(), Device);
        _objective = new PairwisePreferenceObjective(_data, ModelConfig.Ensemble.Loss);
        _tokensPerEpoch = config.Members * train.Sum(p => (long)p.ChosenItem.SequenceLength + p.RejectedItem.SequenceLength);
    }

    /// <summary>The reward model being trained.</summary>
    public RewardModel<TokenizedCompletion> Model { get; }

    /// <summary>What the model file records.</summary>
    public TextRewardModelConfig ModelConfig { get; }

    /// <inheritdoc/>
    public override string Algorithm => "reward";

    /// <inheritdoc/>
    public override long TotalSteps => Config.Epochs;

    /// <inheritdoc/>
    public override LearningCurve Curve { get; } = new("reward/accuracy", "training accuracy (strict >)", "epoch");

    /// <summary>RewardBench accuracy of the current model on <paramref name="pairs"/>.</summary>
    public double Accuracy(IReadOnlyList<TokenizedPreference> pairs) => RewardBenchAccuracy.Of(Model, pairs);

    /// <inheritdoc/>
    protected override long TrainStep(long step, IMetricSink? metrics)
    {
        var report = Model.Ensemble.Train(_objective);
        Model.Calibrate(_data.Left, _data.Right);
        if (metrics is not null)
            foreach (var (tag, value) in report.Scalars()) metrics.Log(tag, value, step + 1);
        return _tokensPerEpoch;
    }

    /// <inheritdoc/>
    protected override void Evaluate(IMetricSink metrics)
    {
        if (_eval.Count > 0) metrics.Log("eval/accuracy", Accuracy(_eval), GlobalStep);
    }

    /// <inheritdoc/>
    protected override void SaveState(CheckpointContents contents)
    {
        var ensemble = Model.Ensemble;
        for (int m = 0; m < ensemble.MemberCount; m++)
        {
            contents.AddModule($"member-{m}", ensemble.Members[m]);
            contents.AddOptimizer($"optimizer-{m}", ensemble.Optimizers[m]);
        }
        contents.AddStream(SamplingPart, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            ensemble.SaveSamplingState(writer);
        });
    }

    /// <inheritdoc/>
    protected override void LoadState(Checkpoint checkpoint)
    {
        var ensemble = Model.Ensemble;
        for (int m = 0; m < ensemble.MemberCount; m++)
        {
            checkpoint.LoadModule($"member-{m}", ensemble.Members[m]);
            checkpoint.LoadOptimizer($"optimizer-{m}", ensemble.Optimizers[m]);
        }
        checkpoint.ReadBinary(SamplingPart, ensemble.LoadSamplingState);
        // Scales and normaliser follow from the weights and the training pairs, so they are refitted, not saved.
        Model.Calibrate(_data.Left, _data.Right);
    }

    /// <inheritdoc/>
    public override void SaveOutputs(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Model.Calibrate(_data.Left, _data.Right);
        TextRewardModel.Save(Model, Path.Combine(run.Path, ModelFileName), ModelConfig);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _data.Dispose();
        Model.Dispose();
    }

    private static void CheckPair(CompletionCollator collator, TokenizedPreference pair, string name)
    {
        ArgumentNullException.ThrowIfNull(pair, name);
        collator.Check(pair.ChosenItem, $"{name} (chosen)");
        collator.Check(pair.RejectedItem, $"{name} (rejected)");
    }
}
