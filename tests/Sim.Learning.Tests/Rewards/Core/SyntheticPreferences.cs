using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Core;

/// <summary>A synthetic preference task: the true step reward is w·obs, segments are random, and labels come from the
/// true segment sums.</summary>
internal sealed class SyntheticPreferences
{
    public const int ObservationSize = 4;
    public const int ActionSize = 2;

    // Unit-norm weights, so the true step reward is N(0, 1) for standard normal observations.
    public static readonly float[] Weights = { 0.5f, -0.5f, 0.5f, 0.5f };

    private readonly Random _random;

    public SyntheticPreferences(int seed) => _random = new Random(seed);

    public static float TrueReward(ReadOnlySpan<float> observation)
    {
        float r = 0;
        for (int j = 0; j < ObservationSize; j++) r += Weights[j] * observation[j];
        return r;
    }

    public Segment Segment(int length = 10)
    {
        var obs = Normals(length * ObservationSize);
        var act = Normals(length * ActionSize);
        var rewards = new float[length];
        for (int t = 0; t < length; t++) rewards[t] = TrueReward(obs.AsSpan(t * ObservationSize, ObservationSize));
        return new Segment
        {
            Source = "synthetic", EnvId = "Synthetic-v0", Length = length, ObservationSize = ObservationSize, ActionSize = ActionSize,
            Observations = obs, Actions = act, TrueRewards = rewards,
        };
    }

    /// <summary>Pairs labelled by the larger true return.</summary>
    public List<LabeledPair<Segment>> Labels(int count, int length = 10)
    {
        var labels = new List<LabeledPair<Segment>>(count);
        for (int i = 0; i < count; i++)
        {
            var left = Segment(length);
            var right = Segment(length);
            var label = left.TrueReturn > right.TrueReturn ? PreferenceLabel.Left : PreferenceLabel.Right;
            labels.Add(new LabeledPair<Segment>(new PreferencePair<Segment>(i, left, right), label, "teacher:oracle", DateTimeOffset.UnixEpoch));
        }
        return labels;
    }

    public float[] Normals(int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            // Box–Muller.
            double u1 = 1.0 - _random.NextDouble();
            double u2 = _random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }

    /// <summary>Spearman's rank correlation (no ties expected for continuous values).</summary>
    public static double RankCorrelation(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        double[] ra = Ranks(a), rb = Ranks(b);
        double meanA = ra.Average(), meanB = rb.Average();
        double cov = 0, varA = 0, varB = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            cov += (ra[i] - meanA) * (rb[i] - meanB);
            varA += (ra[i] - meanA) * (ra[i] - meanA);
            varB += (rb[i] - meanB) * (rb[i] - meanB);
        }
        return cov / Math.Sqrt(varA * varB);
    }

    private static double[] Ranks(IReadOnlyList<float> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int r = 0; r < order.Length; r++) ranks[order[r]] = r;
        return ranks;
    }
}
