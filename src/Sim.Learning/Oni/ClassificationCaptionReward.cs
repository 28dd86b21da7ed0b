using Sim.Feedback;
using Sim.Learning.Runs;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Objectives;
using static TorchSharp.torch;

namespace Sim.Learning.Oni;

/// <summary>ONI's classification model: the ensemble learns P(good | caption) from the LLM's yes/no labels with the reward
/// core's pointwise objective, and the reward is 1[p &gt; 0.5] for every caption, answered or not.</summary>
/// <remarks>Before the first answer the network has learned nothing, and every reward is 0.</remarks>
public sealed class ClassificationCaptionReward : CaptionRewardModel
{
    readonly AnnotationService _labels;
    readonly CaptionEnsemble _ensemble;
    int _trainedOn;

    /// <summary>A model over <paramref name="vocabulary"/> asking <paramref name="labels"/>, its members seeded from <paramref name="runSeed"/>.</summary>
    public ClassificationCaptionReward(IReadOnlyList<string> vocabulary, AnnotationService labels, ulong runSeed) : base(vocabulary)
    {
        _labels = labels ?? throw new ArgumentNullException(nameof(labels));
        _ensemble = new CaptionEnsemble(runSeed);
    }

    /// <inheritdoc/>
    public override OniRewardModelKind Kind => OniRewardModelKind.Classification;

    /// <summary>The latest training round's report, or null before the first.</summary>
    public RewardTrainingReport? LastReport { get; private set; }

    /// <inheritdoc/>
    protected override void OnFirstSeen(int code) => Ask(_labels, Vocabulary[code - 1]);

    /// <inheritdoc/>
    protected override void Recompute(float[] rewards)
    {
        var captions = new List<string>();
        var targets = new List<float>();
        foreach (string caption in Vocabulary)
        {
            if (!_labels.TryGetAnswer(caption, out float label)) continue;
            captions.Add(caption);
            targets.Add(label);
        }
        if (captions.Count == 0) return;
        if (captions.Count != _trainedOn)
        {
            using var data = ItemTargetDataset.Create(_ensemble.Collator, captions, targets, CPU);
            LastReport = _ensemble.Train(new PointwiseClassificationObjective(data));
            _trainedOn = captions.Count;
        }
        float[] p = _ensemble.MeanProbabilities(Vocabulary);
        for (int code = 1; code < rewards.Length; code++) rewards[code] = p[code - 1] > 0.5f ? 1f : 0f;
    }

    /// <inheritdoc/>
    public override void Save(CheckpointContents contents)
    {
        base.Save(contents);
        _ensemble.Save(contents);
    }

    /// <inheritdoc/>
    public override void Load(Checkpoint checkpoint)
    {
        base.Load(checkpoint);
        _ensemble.Load(checkpoint);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _ensemble.Dispose();
        base.Dispose();
    }
}
