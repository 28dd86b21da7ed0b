using System.Net;

namespace Sim.Labeling;

/// <summary>How the labeling site is served and how it hands out pairs.</summary>
public sealed record LabelingOptions
{
    /// <summary>Address to bind; loopback by default. Any other address prints a warning (tokens are still required).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port to bind; 0 picks a free one (the site reports which).</summary>
    public int Port { get; init; } = 8780;

    /// <summary>How long a shown pair stays one labeler's, and how many labelers answer each pair.</summary>
    public LeasePolicy Lease { get; init; } = new(TimeSpan.FromMinutes(5), 1);

    /// <summary>Share of showings that are a gold pair (when one is open to the labeler), as Uni-RLHF mixes them in.</summary>
    public double GoldRate { get; init; } = 0.1;

    /// <summary>Answers wanted in all, shown as progress; null for every pair times k.</summary>
    public long? Budget { get; init; }

    /// <summary>Requests per second each token may make on average; twice as many may come in a burst.</summary>
    public int RateLimitPerSecond { get; init; } = 20;

    /// <summary>Largest request body accepted, in bytes (an answer is well under 200).</summary>
    public long MaxRequestBodyBytes { get; init; } = 4096;

    /// <summary>Seed of the side and gold draws (each from its own derived stream).</summary>
    public ulong Seed { get; init; }

    /// <summary>Folder clips are rendered into and served from.</summary>
    public required string ClipFolder { get; init; }

    /// <summary>The reward model whose agreement with each labeler the page shows; null to show none.</summary>
    public string? RewardModelPath { get; init; }

    /// <summary>Width and height of the clips in pixels (even); the page shows them 420 pixels wide whatever their size.</summary>
    public int ClipSize { get; init; } = 320;

    /// <summary>Threads rendering clips ahead of labelers.</summary>
    public int RenderThreads { get; init; } = 1;

    /// <summary>Serves <c>/test-hooks/oracle/{lease}</c>, which tells a scripted test labeler the oracle's answer in shown
    /// order. Only tests turn it on (the page never calls it); it gives the true answer away.</summary>
    public bool TestHooks { get; init; }

    /// <summary>Throws naming the first bad field and what was expected.</summary>
    public void Validate()
    {
        if (!IPAddress.TryParse(Host, out _) && Host != "localhost")
            throw new ArgumentException($"host '{Host}': expected an IP address such as 127.0.0.1, or localhost");
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, $"port {Port}: expected 0..65535 (0 for any free port)");
        Lease.Validate();
        if (!(GoldRate >= 0 && GoldRate <= 1)) throw new ArgumentOutOfRangeException(nameof(GoldRate), GoldRate, $"gold rate {GoldRate}: expected a share in 0..1");
        if (Budget is < 0) throw new ArgumentOutOfRangeException(nameof(Budget), Budget, $"budget {Budget}: expected 0 or more answers");
        if (RateLimitPerSecond < 1) throw new ArgumentOutOfRangeException(nameof(RateLimitPerSecond), RateLimitPerSecond, $"rate limit {RateLimitPerSecond}: expected at least 1 request per second");
        if (MaxRequestBodyBytes < 256) throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, $"body limit {MaxRequestBodyBytes}: expected at least 256 bytes");
        if (ClipSize is < 16 or > 2048 || ClipSize % 2 != 0) throw new ArgumentOutOfRangeException(nameof(ClipSize), ClipSize, $"clip size {ClipSize}: expected an even number of pixels in 16..2048");
        if (RenderThreads < 1) throw new ArgumentOutOfRangeException(nameof(RenderThreads), RenderThreads, $"rendering threads {RenderThreads}: expected at least 1");
        ArgumentException.ThrowIfNullOrWhiteSpace(ClipFolder);
    }

    /// <summary>Whether <see cref="Host"/> is a loopback address.</summary>
    public bool IsLoopback => Host == "localhost" || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));
}
