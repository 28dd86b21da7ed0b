
namespace Sim.Rewards.Robot;

/// <summary>B-Pref's δ for the skip and equal teachers: ε × (mean true return of recent episodes) × H / (episode length),
/// i.e. ε times the return an average segment of the current policy earns.</summary>
public static class TeacherThresholds
{
    /// <summary>B-Pref's ε for the skip and equal teachers.</summary>
    public const double DefaultEpsilon = 0.1;

    /// <summary>Episodes averaged over, as in B-Pref.</summary>
    public const int DefaultEpisodes = 10;

    /// <summary>δ = <paramref name="epsilon"/> · <paramref name="meanEpisodeReturn"/> · <paramref name="segmentLength"/> / <paramref name="meanEpisodeLength"/>.</summary>
    public static double Compute(double epsilon, double meanEpisodeReturn, double meanEpisodeLength, int segmentLength)
    {
        if (!double.IsFinite(epsilon) || epsilon < 0)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"ε is {epsilon}: expected a finite value >= 0");
        if (!double.IsFinite(meanEpisodeReturn))
            throw new ArgumentOutOfRangeException(nameof(meanEpisodeReturn), meanEpisodeReturn, $"mean episode return is {meanEpisodeReturn}: expected a finite value");
        if (!(meanEpisodeLength > 0) || !double.IsFinite(meanEpisodeLength))
            throw new ArgumentOutOfRangeException(nameof(meanEpisodeLength), meanEpisodeLength, $"mean episode length is {meanEpisodeLength}: expected a finite value > 0");
        if (segmentLength < 1)
            throw new ArgumentOutOfRangeException(nameof(segmentLength), segmentLength, $"segment length is {segmentLength}: expected at least 1");
        return epsilon * meanEpisodeReturn * segmentLength / meanEpisodeLength;
    }

    /// <summary>δ from the last <see cref="DefaultEpisodes"/> finished episodes of <paramref name="history"/>.</summary>
    /// <exception cref="InvalidOperationException">No episode has finished yet.</exception>
    public static double FromHistory(EpisodeHistory history, double epsilon = DefaultEpsilon, int episodes = DefaultEpisodes)
    {
        ArgumentNullException.ThrowIfNull(history);
        var stats = history.RecentStatistics(episodes);
        if (stats.Episodes == 0)
            throw new InvalidOperationException("cannot compute the teachers' threshold δ: no episode has finished yet (expected at least one)");
        return Compute(epsilon, stats.MeanReturn, stats.MeanLength, history.SegmentLength);
    }
}
