using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Labeling;

/// <summary>How often the current reward model (the <c>reward_model.bin</c> a training run rewrites after each update)
/// prefers what a labeler preferred, over their latest Left/Right answers; the model is reloaded when the file changes.</summary>
public sealed class RewardModelAgreement : IDisposable
{
    /// <summary>Answers per labeler the agreement is measured over (the newest).</summary>
    public const int RecentAnswers = 200;

    readonly string _path;
    readonly object _gate = new();
    readonly Dictionary<string, (DateTime Model, long Labels, double? Agreement, int Count)> _cache = [];
    RobotRewardModel? _model;
    DateTime _loadedWriteTime;

    /// <summary>Measures with the model saved at <paramref name="modelPath"/> (which may not exist yet).</summary>
    public RewardModelAgreement(string modelPath) => _path = Path.GetFullPath(modelPath);

    /// <summary>The share of <paramref name="answers"/>' Left/Right labels (the newest <see cref="RecentAnswers"/>) on which
    /// the model's P(left ≻ right), averaged over its members, is on the same side of ½, and how many were compared; null
    /// while there is no model or no such answer.</summary>
    public (double? Agreement, int Count) Measure(string labelerId, IReadOnlyList<LabeledPair<Segment>> answers)
    {
        lock (_gate)
        {
            var model = CurrentModel();
            if (model is null) return (null, 0);
            if (_cache.TryGetValue(labelerId, out var hit) && hit.Model == _loadedWriteTime && hit.Labels == answers.Count) return (hit.Agreement, hit.Count);
            var decided = answers.Where(a => a.Label is PreferenceLabel.Left or PreferenceLabel.Right).TakeLast(RecentAnswers).ToList();
            (double?, int) result = (null, 0);
            if (decided.Count > 0)
            {
                var p = new float[model.MemberCount * decided.Count];
                model.PredictPreferences(decided.Select(a => a.Pair.Left).ToList(), decided.Select(a => a.Pair.Right).ToList(), p);
                int agree = 0;
                for (int i = 0; i < decided.Count; i++)
                {
                    double mean = 0;
                    for (int m = 0; m < model.MemberCount; m++) mean += p[m * decided.Count + i];
                    mean /= model.MemberCount;
                    if ((mean > 0.5) == (decided[i].Label == PreferenceLabel.Left)) agree++;
                }
                result = (agree / (double)decided.Count, decided.Count);
            }
            _cache[labelerId] = (_loadedWriteTime, answers.Count, result.Item1, result.Item2);
            return result;
        }
    }

    RobotRewardModel? CurrentModel()
    {
        var info = new FileInfo(_path);
        if (!info.Exists) return _model;
        if (_model is not null && info.LastWriteTimeUtc == _loadedWriteTime) return _model;
        try
        {
            var loaded = RobotRewardModel.Load(_path);
            _model?.Dispose();
            _model = loaded;
            _loadedWriteTime = info.LastWriteTimeUtc;
        }
        catch (Sim.Rewards.Serialization.RewardModelFormatException)
        {
            // Read while being replaced, or damaged: keep the last model and try again at the next request.
        }
        return _model;
    }

    /// <summary>Releases the model.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _model?.Dispose();
            _model = null;
        }
    }
}
