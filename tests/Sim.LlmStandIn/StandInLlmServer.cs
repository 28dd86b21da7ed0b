using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sim.LlmStandIn;

/// <summary>A stand-in for an LLM: Kestrel on 127.0.0.1 (a free port) answering OpenAI's <c>POST /v1/chat/completions</c>
/// with the <see cref="KeywordRule"/>, and misbehaving on demand (<see cref="Behaviour"/>).</summary>
/// <remarks>
/// It reads the numbered lists the annotation prompts send: under <c>Events:</c> lines <c>n. caption</c>, answered
/// <c>n: yes</c> or <c>n: no</c>; under <c>Pairs:</c> lines <c>n. A: text | B: text</c>, answered <c>n: A</c>,
/// <c>n: B</c> or <c>n: same</c>. It is not a language model and understands nothing else.
/// </remarks>
public sealed partial class StandInLlmServer : IAsyncDisposable
{
    readonly WebApplication _app;
    int _requests;
    string? _lastAuthorization;

    StandInLlmServer(WebApplication app, StandInBehaviour behaviour)
    {
        _app = app;
        Behaviour = behaviour;
    }

    /// <summary>What the server does with the next requests.</summary>
    public StandInBehaviour Behaviour { get; }

    /// <summary>The OpenAI-style base URL, <c>http://127.0.0.1:port/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Chat-completion requests received so far (faulty ones included).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The <c>Authorization</c> header of the latest request, so a test can check the key arrived.</summary>
    public string? LastAuthorization => Volatile.Read(ref _lastAuthorization);

    /// <summary>Starts a server on 127.0.0.1 at <paramref name="port"/> (0: a free one).</summary>
    public static async Task<StandInLlmServer> StartAsync(int port = 0, StandInBehaviour? behaviour = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new StandInLlmServer(app, behaviour ?? new StandInBehaviour());
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        Volatile.Write(ref _lastAuthorization, context.Request.Headers.Authorization.ToString());
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        string model = body.RootElement.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        string prompt = LastUserMessage(body.RootElement);
        switch (Behaviour.Next())
        {
            case StandInFault.TooManyRequests:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = Behaviour.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await context.Response.WriteAsync("rate limited");
                return;
            case StandInFault.ServerError:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("the stand-in failed on purpose");
                return;
            case StandInFault.MalformedJson:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"choices\": [ {\"message\": ");
                return;
            case StandInFault.WrongContent:
                await WriteCompletionAsync(context, model, "I like turtles.");
                return;
            case StandInFault.Slow:
                await Task.Delay(Behaviour.Delay, context.RequestAborted);
                break;
        }
        await WriteCompletionAsync(context, model, Answer(prompt));
    }

    static string LastUserMessage(JsonElement request)
    {
        string text = "";
        foreach (var message in request.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("role").GetString() != "user") continue;
            var content = message.GetProperty("content");
            text = content.ValueKind == JsonValueKind.String ? content.GetString()!
                : string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));
        }
        return text;
    }

    /// <summary>The rule's answer to a prompt: one line per numbered event or pair.</summary>
    public static string Answer(string prompt)
    {
        var answer = new StringBuilder();
        bool pairs = prompt.Contains("Pairs:", StringComparison.Ordinal);
        foreach (Match line in NumberedLine().Matches(prompt))
        {
            string n = line.Groups[1].Value, text = line.Groups[2].Value.Trim();
            if (!pairs)
            {
                answer.Append(n).Append(": ").Append(KeywordRule.IsGood(text) ? "yes" : "no").Append('\n');
                continue;
            }
            var sides = PairLine().Match(text);
            if (!sides.Success) continue;
            int a = KeywordRule.Score(sides.Groups[1].Value), b = KeywordRule.Score(sides.Groups[2].Value);
            answer.Append(n).Append(": ").Append(a > b ? "A" : b > a ? "B" : "same").Append('\n');
        }
        return answer.ToString();
    }

    static async Task WriteCompletionAsync(HttpContext context, string model, string content)
    {
        context.Response.ContentType = "application/json";
        var completion = new
        {
            id = "chatcmpl-standin",
            @object = "chat.completion",
            created = 0,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 0, completion_tokens = 0, total_tokens = 0 },
        };
        await context.Response.WriteAsync(JsonSerializer.Serialize(completion));
    }

    [GeneratedRegex(@"^(\d+)\. (.+)$", RegexOptions.Multiline)]
    private static partial Regex NumberedLine();

    [GeneratedRegex(@"^A: (.*) \| B: (.*)$")]
    private static partial Regex PairLine();

    /// <summary>Completes when the host is asked to stop (Ctrl-C or SIGTERM to a process serving it).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
