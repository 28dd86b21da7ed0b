namespace Sim.Feedback;

/// <summary>Where the OpenAI-compatible server is and how it is asked: endpoint, model, batching, concurrency, timeouts,
/// retries and circuit breaker. Stored in a run's <c>config.json</c>; the API key never is, only the name of the
/// environment variable that holds it.</summary>
public sealed record LlmOptions
{
    /// <summary>The environment variable read for the key when <see cref="ApiKeyVariable"/> is not set otherwise.</summary>
    public const string DefaultApiKeyVariable = "SIM_LLM_API_KEY";

    /// <summary>Base URL of the chat-completions API, e.g. <c>http://127.0.0.1:8000/v1</c> (vLLM) or
    /// <c>http://127.0.0.1:8080/v1</c> (llama.cpp's server).</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The model name the server knows, e.g. <c>Qwen/Qwen2.5-7B-Instruct</c>; part of every cache key.</summary>
    public required string Model { get; init; }

    /// <summary>Name of the environment variable holding the API key (servers that need none ignore it).</summary>
    public string ApiKeyVariable { get; init; } = DefaultApiKeyVariable;

    /// <summary>Sampling temperature (ONI's 0.1: nearly greedy, so answers are stable).</summary>
    public float Temperature { get; init; } = 0.1f;

    /// <summary>Items asked about in one request.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Requests in flight at once (one worker each).</summary>
    public int MaxConcurrency { get; init; } = 2;

    /// <summary>Seconds one HTTP attempt may take before it is abandoned and retried.</summary>
    public double AttemptTimeoutSeconds { get; init; } = 30;

    /// <summary>Seconds a request may take over all its attempts and waits.</summary>
    public double TotalTimeoutSeconds { get; init; } = 120;

    /// <summary>Retries after a failed attempt (timeouts, 408, 429, 5xx, connection failures).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Median first backoff in seconds; it doubles per retry with jitter, and a 429's <c>Retry-After</c> replaces it.</summary>
    public double RetryBaseDelaySeconds { get; init; } = 0.5;

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingSeconds"/> that opens the circuit breaker.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Attempts within the sampling window before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; init; } = 4;

    /// <summary>Seconds over which the breaker measures failures.</summary>
    public double BreakerSamplingSeconds { get; init; } = 30;

    /// <summary>Seconds the breaker stays open (every call fails at once) before it lets one attempt through.</summary>
    public double BreakerBreakSeconds { get; init; } = 15;

    /// <summary>Seconds before an item whose request failed may be asked again.</summary>
    public double RetryFailedItemsAfterSeconds { get; init; } = 10;

    /// <summary>The first option that is out of range, as a message naming it and what was expected; null when all are valid.</summary>
    public string? FindProblem()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return $"LLM base URL '{BaseUrl}' is not an absolute http(s) URL: expected e.g. http://127.0.0.1:8000/v1";
        if (string.IsNullOrWhiteSpace(Model)) return "the LLM model name is empty: expected the name the server serves, e.g. Qwen/Qwen2.5-7B-Instruct";
        if (string.IsNullOrWhiteSpace(ApiKeyVariable)) return "the API key variable name is empty: expected an environment variable name such as SIM_LLM_API_KEY";
        if (!(Temperature >= 0 && Temperature <= 2)) return $"temperature {Temperature} is outside [0, 2]";
        if (BatchSize < 1) return $"batch size {BatchSize}: expected at least 1";
        if (MaxConcurrency < 1) return $"max concurrency {MaxConcurrency}: expected at least 1";
        if (!(AttemptTimeoutSeconds > 0)) return $"attempt timeout {AttemptTimeoutSeconds} s: expected a positive number of seconds";
        if (!(TotalTimeoutSeconds >= AttemptTimeoutSeconds)) return $"total timeout {TotalTimeoutSeconds} s is shorter than the attempt timeout {AttemptTimeoutSeconds} s";
        if (MaxRetries < 0) return $"max retries {MaxRetries}: expected 0 or more";
        if (!(RetryBaseDelaySeconds >= 0)) return $"retry base delay {RetryBaseDelaySeconds} s: expected 0 or more";
        if (!(BreakerFailureRatio > 0 && BreakerFailureRatio <= 1)) return $"breaker failure ratio {BreakerFailureRatio}: expected a share in (0, 1]";
        if (BreakerMinimumThroughput < 2) return $"breaker minimum throughput {BreakerMinimumThroughput}: expected at least 2";
        if (!(BreakerSamplingSeconds >= 0.5)) return $"breaker sampling window {BreakerSamplingSeconds} s: expected at least 0.5 s";
        if (!(BreakerBreakSeconds >= 0.5)) return $"breaker break {BreakerBreakSeconds} s: expected at least 0.5 s";
        if (!(RetryFailedItemsAfterSeconds >= 0)) return $"retry-failed-items delay {RetryFailedItemsAfterSeconds} s: expected 0 or more";
        return null;
    }
}
