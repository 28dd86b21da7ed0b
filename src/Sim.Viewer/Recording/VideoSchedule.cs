namespace Sim.Viewer.Recording;

/// <summary>Which episodes get a video, by 0-based episode id: Gymnasium's capped cubic schedule (the RecordVideo default),
/// or every n-th episode.</summary>
public static class VideoSchedule
{
    /// <summary>Gymnasium's <c>capped_cubic_video_schedule</c>: below 1000, the perfect cubes (0, 1, 8, 27, …, 729);
    /// from 1000 on, every thousandth episode.</summary>
    public static bool CappedCubic(long episode)
    {
        if (episode < 0) throw new ArgumentOutOfRangeException(nameof(episode), episode, "expected a 0-based episode id (0 or more)");
        if (episode >= 1000) return episode % 1000 == 0;
        long root = (long)Math.Round(Math.Cbrt(episode));
        return root * root * root == episode;
    }

    /// <summary>Episodes 0, <paramref name="interval"/>, 2·<paramref name="interval"/>, ….</summary>
    public static Func<long, bool> Every(long interval)
    {
        if (interval < 1) throw new ArgumentOutOfRangeException(nameof(interval), interval, "expected an interval of at least 1 episode");
        return episode =>
        {
            if (episode < 0) throw new ArgumentOutOfRangeException(nameof(episode), episode, "expected a 0-based episode id (0 or more)");
            return episode % interval == 0;
        };
    }
}
