using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Http.Resilience;
using OpenAI;
using Polly;

namespace Sim.Feedback;

/// <summary>Builds the <see cref="IChatClient"/> for an OpenAI-compatible server: Microsoft.Extensions.AI over the OpenAI
/// library, sending through an <see cref="HttpClient"/> whose <see cref="ResilienceHandler"/> runs the standard pipeline
/// (total timeout, retry with exponential backoff and jitter honouring <c>Retry-After</c>, circuit breaker, attempt timeout).</summary>
/// <remarks>
/// The OpenAI library's own retries are switched off, so that one policy (Polly's, configured by <see cref="LlmOptions"/>)
/// decides; otherwise each of its retries would be multiplied by ours. The breaker's openings and closings go to
/// <see cref="AnnotationCounters"/>, where the run's metrics read them.
/// </remarks>
public static class OpenAiCompatibleClient
{
    /// <summary>A key sent when none is configured: local servers (vLLM, llama.cpp) ignore it, and the OpenAI library
    /// refuses an empty one.</summary>
    const string NoKey = "no-key";

    /// <summary>The chat client for <paramref name="options"/>, sending <paramref name="apiKey"/> (none: a placeholder).</summary>
    public static IChatClient Create(LlmOptions options, string? apiKey, AnnotationCounters counters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        if (options.FindProblem() is { } problem) throw new ArgumentException(problem, nameof(options));
        var http = new HttpClient(new ResilienceHandler(BuildPipeline(options, counters)) { InnerHandler = new SocketsHttpHandler() })
        {
            // The pipeline's timeouts govern; HttpClient's own 100 s default would cut a legitimately retried call short.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.BaseUrl),
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(options.TotalTimeoutSeconds + 5),
        };
        var chat = new OpenAI.Chat.ChatClient(options.Model, new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? NoKey : apiKey), clientOptions);
        return chat.AsIChatClient();
    }

    /// <summary>The key from the environment variable <see cref="LlmOptions.ApiKeyVariable"/> names, or null when unset.</summary>
    public static string? ReadApiKey(LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? key = Environment.GetEnvironmentVariable(options.ApiKeyVariable);
        return string.IsNullOrEmpty(key) ? null : key;
    }

    static ResiliencePipeline<HttpResponseMessage> BuildPipeline(LlmOptions options, AnnotationCounters counters) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(options.TotalTimeoutSeconds) })
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                ShouldHandle = options.MaxRetries == 0 ? _ => ValueTask.FromResult(false) : new HttpRetryStrategyOptions().ShouldHandle,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(options.RetryBaseDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(options.TotalTimeoutSeconds),
                ShouldRetryAfterHeader = true,
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(options.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(options.BreakerBreakSeconds),
                OnOpened = _ =>
                {
                    counters.BreakerOpened();
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    counters.BreakerClosed();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(options.AttemptTimeoutSeconds) })
            .Build();
}
