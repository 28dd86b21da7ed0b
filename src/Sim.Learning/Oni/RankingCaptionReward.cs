using Sim.Core.Statistics;
using Sim.Feedback;
using Sim.Learning.Runs;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Objectives;
using Sim.Rewards.Preferences;
using static TorchSharp.torch;

namespace Sim.Learning.Oni;

/// <summary>ONI's ranking model: Bradley–Terry (the reward core's pairwise objective) on pairs of captions the LLM ranked;
/// the reward is the score normalised by a running mean and std of the scores paid so far, with values below −0.5 set to 0.</summary>
/// <remarks>Each newly seen caption is paired with every caption seen before it, both ways round being one question. The
/// running statistics are over the captioned steps since the start of the run (each occurrence counts), as ONI's are.</remarks>
public sealed class RankingCaptionReward : CaptionRewardModel
{
    /// <summary>Normalised rewards below this are set to 0 (ONI's floor).</summary>
    public const float Floor = -0.5f;

    readonly AnnotationService _comparisons;
    readonly CaptionEnsemble _ensemble;
    readonly RunningMeanStd _statistics = new(1);
    readonly long[] _occurrences;
    readonly List<(int A, int B)> _pairs = new();
    float[] _scores;
    int _trainedOn;

    /// <summary>A model over <paramref name="vocabulary"/> asking <paramref name="comparisons"/> (a <see cref="CaptionComparePrompt"/> service).</summary>
    public RankingCaptionReward(IReadOnlyList<string> vocabulary, AnnotationService comparisons, ulong runSeed) : base(vocabulary)
    {
        _comparisons = comparisons ?? throw new ArgumentNullException(nameof(comparisons));
        _ensemble = new CaptionEnsemble(runSeed);
        _occurrences = new long[vocabulary.Count + 1];
        _scores = new float[vocabulary.Count + 1];
    }

    /// <inheritdoc/>
    public override OniRewardModelKind Kind => OniRewardModelKind.Ranking;

    /// <summary>The members' mean Bradley–Terry score of each caption code (index = code; 0 before the first training round).</summary>
    public IReadOnlyList<float> Scores => _scores;

    /// <summary>The latest training round's report, or null before the first.</summary>
    public RewardTrainingReport? LastReport { get; private set; }

    /// <inheritdoc/>
    public override void Observe(int code)
    {
        if (code == 0) return;
        _occurrences[code]++;
        base.Observe(code);
    }

    /// <inheritdoc/>
    protected override void OnFirstSeen(int code)
    {
        for (int other = 1; other < _occurrences.Length; other++)
        {
            if (other == code || !Seen(other)) continue;
            _pairs.Add((other, code));
            Ask(_comparisons, Key(other, code));
        }
    }

    // The pairs themselves come back with the checkpoint; only their answers need fetching again.
    protected override void OnRestored(int code)
    {
        foreach (var (a, b) in _pairs)
            if (b == code) Ask(_comparisons, Key(a, b));
    }

    string Key(int a, int b) => CaptionComparePrompt.PairKey(Vocabulary[a - 1], Vocabulary[b - 1]);

    /// <inheritdoc/>
    protected override void Recompute(float[] rewards)
    {
        var left = new List<string>();
        var right = new List<string>();
        var labels = new List<PreferenceLabel>();
        foreach (var (a, b) in _pairs)
        {
            if (!_comparisons.TryGetAnswer(Key(a, b), out float pA)) continue;
            left.Add(Vocabulary[a - 1]);
            right.Add(Vocabulary[b - 1]);
            labels.Add(pA > 0.5f ? PreferenceLabel.Left : pA < 0.5f ? PreferenceLabel.Right : PreferenceLabel.Equal);
        }
        if (labels.Count > 0 && labels.Count != _trainedOn)
        {
            using var data = PreferenceDataset.Create(_ensemble.Collator, left, right, labels, CPU);
            LastReport = _ensemble.Train(new PairwisePreferenceObjective(data));
            _trainedOn = labels.Count;
            float[] scores = _ensemble.MeanScores(Vocabulary);
            _scores = new float[rewards.Length];
            scores.CopyTo(_scores, 1);
        }
        if (_trainedOn == 0) return;
        UpdateStatistics();
        double mean = _statistics.Mean[0], std = Math.Sqrt(Math.Max(_statistics.Variance[0], 1e-8));
        for (int code = 1; code < rewards.Length; code++)
            rewards[code] = Normalise(_scores[code], mean, std);
    }

    /// <summary>ONI's normalised ranking reward: (score − mean) / std, set to 0 when below <see cref="Floor"/>.</summary>
    public static float Normalise(float score, double mean, double std)
    {
        float r = (float)((score - mean) / std);
        return r < Floor ? 0f : r;
    }

    // Folds the scores of the captions that occurred since the last refresh into the running statistics, each occurrence once.
    void UpdateStatistics()
    {
        double count = 0, sum = 0;
        for (int code = 1; code < _occurrences.Length; code++)
        {
            count += _occurrences[code];
            sum += _occurrences[code] * (double)_scores[code];
        }
        if (count == 0) return;
        double mean = sum / count, squares = 0;
        for (int code = 1; code < _occurrences.Length; code++)
        {
            double d = _scores[code] - mean;
            squares += _occurrences[code] * d * d;
        }
        _statistics.Combine([mean], [squares / count], count);
        Array.Clear(_occurrences);
    }

    /// <inheritdoc/>
    public override void Save(CheckpointContents contents)
    {
        base.Save(contents);
        _ensemble.Save(contents);
        contents.AddJson("oni_ranking", new RankingState(_pairs.Select(p => new[] { p.A, p.B }).ToArray(), _scores, _statistics.Mean[0],
            _statistics.Variance[0], _statistics.Count, _occurrences));
    }

    /// <inheritdoc/>
    public override void Load(Checkpoint checkpoint)
    {
        var state = checkpoint.ReadJson<RankingState>("oni_ranking");
        _pairs.Clear();
        _pairs.AddRange(state.Pairs.Select(p => (p[0], p[1])));
        base.Load(checkpoint);
        _ensemble.Load(checkpoint);
        _scores = state.Scores;
        _statistics.Clear();
        _statistics.Combine([state.Mean], [state.Variance], state.Count);
        state.Occurrences.CopyTo(_occurrences, 0);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _ensemble.Dispose();
        base.Dispose();
    }

    /// <summary>The ranking model's checkpointed state beyond the base's.</summary>
    public sealed record RankingState(int[][] Pairs, float[] Scores, double Mean, double Variance, double Count, long[] Occurrences);
}
