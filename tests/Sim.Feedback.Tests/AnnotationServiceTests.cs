using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sim.Feedback;
using Sim.LlmStandIn;

namespace Sim.Feedback.Tests;

/// <summary>The annotation service against the stand-in LLM (a real chat-completions server on 127.0.0.1 whose "model" is
/// a keyword rule), healthy and faulty.</summary>
public sealed class AnnotationServiceTests : IAsyncLifetime
{
    const string Key = "sk-stand-in-SECRET-4242";

    static readonly string[] Captions =
    [
        "the puck reached the target", "the puck moved away from the target", "the gripper touched the puck",
        "the hopper fell", "the puck moved closer to the target",
    ];

    // What the keyword rule answers, written out by hand.
    static readonly float[] RuleAnswers = [1, 0, 1, 0, 1];

    readonly string _folder = Path.Combine(Path.GetTempPath(), $"sim-feedback-{Guid.NewGuid():N}");
    StandInLlmServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _server = await StandInLlmServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    string CachePath => Path.Combine(_folder, "annotations.db");

    static LlmOptions Options(Uri baseUrl) => new()
    {
        BaseUrl = baseUrl.ToString(),
        Model = "stand-in",
        BatchSize = 8,
        MaxConcurrency = 2,
        AttemptTimeoutSeconds = 2,
        TotalTimeoutSeconds = 6,
        MaxRetries = 2,
        RetryBaseDelaySeconds = 0.01,
        BreakerMinimumThroughput = 2,
        BreakerBreakSeconds = 1,
        RetryFailedItemsAfterSeconds = 0,
    };

    static AnnotationService Start(LlmOptions options, AnnotationCache? cache, string? key = Key)
    {
        var counters = new AnnotationCounters();
        return new(OpenAiCompatibleClient.Create(options, key, counters), new CaptionLabelPrompt(), options, cache, counters, key);
    }

    /// <summary>The learner's side: asks about every caption, as a step loop would, and never waits.</summary>
    static int Step(AnnotationService service, int steps = 200)
    {
        int done = 0;
        for (int t = 0; t < steps; t++)
        {
            service.Request(Captions[t % Captions.Length]);
            done++;
        }
        return done;
    }

    static List<(string Item, double Answer)> CacheRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT item, answer FROM answers ORDER BY item";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, double)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetDouble(1)));
        return rows;
    }

    /// <summary>Every cached row is an answer the rule gives for that caption: nothing partial, nothing wrong.</summary>
    static void AssertCacheHoldsOnlyRuleAnswers(string path)
    {
        foreach (var (item, answer) in CacheRows(path))
            Assert.Equal(RuleAnswers[Array.IndexOf(Captions, item)], answer);
    }

    [Fact]
    public async Task Answers_follow_the_rule_and_a_second_run_asks_nothing()
    {
        using (var cache = AnnotationCache.Open(CachePath))
        {
            await using var service = Start(Options(_server.BaseUrl), cache);
            Step(service);
            Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)), service.LastError);
            for (int i = 0; i < Captions.Length; i++)
            {
                Assert.True(service.TryGetAnswer(Captions[i], out float answer), Captions[i]);
                Assert.Equal(RuleAnswers[i], answer);
            }
            Assert.Equal(5, service.Counters.Requested);
            Assert.Equal(5, service.Counters.Answered);
            Assert.Equal(0, service.Counters.Failed);
            Assert.Equal($"Bearer {Key}", _server.LastAuthorization);
        }
        int requestsBefore = _server.Requests;
        Assert.InRange(requestsBefore, 1, 5);
        AssertCacheHoldsOnlyRuleAnswers(CachePath);
        Assert.Equal(5, CacheRows(CachePath).Count);

        using (var cache = AnnotationCache.Open(CachePath))
        {
            await using var service = Start(Options(_server.BaseUrl), cache);
            Step(service);
            for (int i = 0; i < Captions.Length; i++)
            {
                Assert.True(service.TryGetAnswer(Captions[i], out float answer));
                Assert.Equal(RuleAnswers[i], answer);
            }
            Assert.Equal(5, service.Counters.Cached);
            Assert.Equal(0, service.Counters.Requested);
            Assert.Equal(1.0, service.Counters.CacheHitRate);
        }
        Assert.Equal(requestsBefore, _server.Requests);
    }

    [Fact]
    public async Task A_server_that_is_down_fails_every_item_and_the_breaker_opens()
    {
        var down = await StandInLlmServer.StartAsync();
        var url = down.BaseUrl;
        await down.DisposeAsync();
        using var cache = AnnotationCache.Open(CachePath);
        await using var service = Start(Options(url), cache);
        var clock = Stopwatch.StartNew();
        while (service.Counters.BreakerOpenings == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.Equal(200, Step(service));
            await Task.Delay(20);
        }
        await service.DrainAsync(TimeSpan.FromSeconds(20));
        Assert.True(service.Counters.Failed >= 5, $"failed {service.Counters.Failed}");
        Assert.True(service.Counters.BreakerOpenings >= 1);
        Assert.Equal(0, service.Counters.Answered);
        Assert.False(service.TryGetAnswer(Captions[0], out _));
        Assert.Empty(CacheRows(CachePath));
        Assert.DoesNotContain(Key, service.LastError);
    }

    [Fact]
    public async Task A_reply_slower_than_the_timeout_fails_and_the_item_is_asked_again_later()
    {
        _server.Behaviour.Delay = TimeSpan.FromSeconds(10);
        _server.Behaviour.Set(StandInFault.Slow);
        var options = Options(_server.BaseUrl) with { AttemptTimeoutSeconds = 0.3, TotalTimeoutSeconds = 1, MaxRetries = 1 };
        using var cache = AnnotationCache.Open(CachePath);
        await using var service = Start(options, cache);
        Step(service, 5);
        Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(5, service.Counters.Failed);
        Assert.Equal(0, service.Counters.Answered);
        Assert.Empty(CacheRows(CachePath));

        _server.Behaviour.Set(StandInFault.None);
        await Task.Delay(1100);   // let the breaker, if the timeouts opened it, half-open again
        Step(service, 5);
        Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(5, service.Counters.Answered);
        AssertCacheHoldsOnlyRuleAnswers(CachePath);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_and_then_answered()
    {
        _server.Behaviour.RetryAfterSeconds = 1;
        _server.Behaviour.Set(StandInFault.TooManyRequests, requests: 1);
        var options = Options(_server.BaseUrl) with { MaxConcurrency = 1, BatchSize = 16 };
        using var cache = AnnotationCache.Open(CachePath);
        await using var service = Start(options, cache);
        var clock = Stopwatch.StartNew();
        service.Request(Captions[0]);
        Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)));
        // With a 10 ms base backoff, only the header can make the retry wait a whole second.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed.TotalSeconds:0.000} s");
        Assert.Equal(2, _server.Requests);
        Assert.Equal(1, service.Counters.Answered);
        Assert.Equal(0, service.Counters.Failed);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_persistent_ones_counted_as_failures()
    {
        _server.Behaviour.Set(StandInFault.ServerError, requests: 2);
        var options = Options(_server.BaseUrl) with { MaxConcurrency = 1 };
        using var cache = AnnotationCache.Open(CachePath);
        // A breaker that needs more attempts than this takes, so that the two 500s are retried rather than cut short.
        await using (var service = Start(options with { BreakerMinimumThroughput = 10 }, cache))
        {
            service.Request(Captions[0]);
            Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(3, _server.Requests);   // two 500s, then the answer
            Assert.Equal(1, service.Counters.Answered);
        }

        _server.Behaviour.Set(StandInFault.ServerError);
        await using (var service = Start(options, cache))
        {
            Step(service, 5);
            Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)));
            Assert.True(service.Counters.Failed >= 4, $"failed {service.Counters.Failed}");
            Assert.Contains("circuit", service.LastError);   // after the 500s opened it, calls fail at the breaker
            Assert.True(service.Counters.BreakerOpenings >= 1);
            Assert.Equal(1, service.Counters.Cached);   // the caption answered above, from the file
        }
        Assert.Single(CacheRows(CachePath));
        AssertCacheHoldsOnlyRuleAnswers(CachePath);
    }

    [Theory]
    [InlineData(StandInFault.MalformedJson)]
    [InlineData(StandInFault.WrongContent)]
    public async Task Unusable_replies_fail_their_batch_and_store_nothing(StandInFault fault)
    {
        _server.Behaviour.Set(fault);
        using var cache = AnnotationCache.Open(CachePath);
        await using var service = Start(Options(_server.BaseUrl) with { MaxConcurrency = 1 }, cache);
        Assert.Equal(200, Step(service));
        Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(5, service.Counters.Failed);
        Assert.Equal(0, service.Counters.Answered);
        Assert.Empty(CacheRows(CachePath));
        if (fault == StandInFault.WrongContent) Assert.Contains("no answer for item 1", service.LastError);
    }

    [Fact]
    public async Task The_key_is_sent_but_never_appears_in_errors_or_in_the_options_file()
    {
        _server.Behaviour.Set(StandInFault.ServerError);
        var options = Options(_server.BaseUrl) with { MaxRetries = 0 };
        Environment.SetEnvironmentVariable("SIM_TEST_LLM_KEY", Key);
        try
        {
            var withVariable = options with { ApiKeyVariable = "SIM_TEST_LLM_KEY" };
            string? key = OpenAiCompatibleClient.ReadApiKey(withVariable);
            Assert.Equal(Key, key);
            await using var service = Start(withVariable, cache: null, key);
            service.Request(Captions[0]);
            Assert.True(await service.DrainAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal($"Bearer {Key}", _server.LastAuthorization);
            Assert.NotNull(service.LastError);
            Assert.DoesNotContain(Key, service.LastError);
            string json = JsonSerializer.Serialize(withVariable);
            Assert.Contains("SIM_TEST_LLM_KEY", json);
            Assert.DoesNotContain(Key, json);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SIM_TEST_LLM_KEY", null);
        }
    }

    [Fact]
    public void A_file_that_is_not_an_annotation_cache_is_refused_untouched()
    {
        string other = Path.Combine(_folder, "other.db");
        using (var connection = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x); PRAGMA application_id = 7;";
            command.ExecuteNonQuery();
        }
        var e = Assert.Throws<InvalidDataException>(() => AnnotationCache.Open(other));
        Assert.Contains("not an annotation cache", e.Message);
    }
}
