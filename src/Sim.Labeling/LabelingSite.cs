using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sim.Foundation;
using Sim.Rewards.Preferences;

namespace Sim.Labeling;

/// <summary>The labeling site: a Kestrel server over a <see cref="LabelingDatabase"/> that shows pairs of clips side by
/// side, takes answers, and reports progress and labeler quality.</summary>
/// <remarks>
/// <para>Every request but the page's own files needs a labeler token: as <c>Authorization: Bearer</c>, or for GETs (a
/// video element cannot send headers) as <c>?token=</c>. Unknown tokens get 401, another labeler's lease 403.</para>
/// <para>POSTs are CSRF-safe: the token must come in the header, which no cross-site form or link can set, and a
/// cross-site <c>Origin</c> or <c>Sec-Fetch-Site</c> is refused with 403. Bodies are capped (413), each token is rate
/// limited (429), and clips are addressed by content id only, looked up in the catalog, never by a path.</para>
/// </remarks>
public sealed class LabelingSite : IAsyncDisposable
{
    const string LabelerKey = "sim.labeler";
    static readonly string[] PublicPaths = ["/", "/index.html", "/app.js", "/style.css"];
    readonly WebApplication _app;
    readonly LabelingDatabase _database;
    readonly LabelingOptions _options;
    readonly RewardModelAgreement? _agreement;
    readonly object _randomGate = new();
    SimRandom _sides;
    SimRandom _gold;

    LabelingSite(WebApplication app, LabelingDatabase database, LabelingOptions options, ClipPrefetcher prefetcher)
    {
        _app = app;
        _database = database;
        _options = options;
        Prefetcher = prefetcher;
        _agreement = options.RewardModelPath is null ? null : new RewardModelAgreement(options.RewardModelPath);
        _sides = new SimRandom(SeedDerivation.Derive(options.Seed, "labeling-sides"));
        _gold = new SimRandom(SeedDerivation.Derive(options.Seed, "labeling-gold"));
    }

    /// <summary>The address the site listens on, e.g. <c>http://127.0.0.1:8780</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The clip renderer working ahead of the labelers.</summary>
    public ClipPrefetcher Prefetcher { get; }

    /// <summary>The page's address for a labeler holding <paramref name="token"/>.</summary>
    public string PageUrl(string token) => $"{Url}/?token={token}";

    /// <summary>Validates <paramref name="options"/>, starts rendering clips and starts serving; returns once listening.</summary>
    public static async Task<LabelingSite> StartAsync(LabelingDatabase database, LabelingOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
        });
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Items[LabelerKey] is string name
                    ? RateLimitPartition.GetTokenBucketLimiter(name, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = 2 * options.RateLimitPerSecond,
                        TokensPerPeriod = options.RateLimitPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
        });
        var app = builder.Build();
        var prefetcher = new ClipPrefetcher(database, options.ClipFolder, options.ClipSize, options.RenderThreads);
        var site = new LabelingSite(app, database, options, prefetcher);
        try
        {
            site.Map();
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await site.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        site.Url = addresses.First().Replace("[::1]", "localhost");
        return site;
    }

    void Map()
    {
        _app.Use(Authenticate);
        _app.UseRateLimiter();
        foreach (string path in PublicPaths) _app.MapGet(path, () => PageFile(path == "/" ? "/index.html" : path));
        _app.MapGet("/api/next", (Delegate)Next);
        _app.MapPost("/api/labels", (Delegate)Submit);
        _app.MapPost("/api/undo", (Delegate)Undo);
        _app.MapGet("/api/stats", () => Results.Json(StatsDocument()));
        _app.MapGet("/stats", () => Results.Content(StatsPage.Render(_database.Stats(), _database.PairAgreement(), _database.Progress(_options.Lease, _options.Budget)), "text/html; charset=utf-8"));
        _app.MapGet("/clips/{id}", (string id) => ClipFile(id, video: true));
        _app.MapGet("/posters/{id}", (string id) => ClipFile(id, video: false));
        if (_options.TestHooks) _app.MapGet("/test-hooks/oracle/{lease:long}", (Delegate)OracleHook);
        // Anything else, traversal attempts included, is 404 without touching the disk.
        _app.MapFallback(() => Results.NotFound());
    }

    // ---------------------------------------------------------------- security

    async Task Authenticate(HttpContext context, Func<Task> next)
    {
        string path = context.Request.Path.Value ?? "/";
        if (HttpMethods.IsGet(context.Request.Method) && PublicPaths.Contains(path))
        {
            await next().ConfigureAwait(false);
            return;
        }
        string? headerToken = BearerToken(context.Request);
        string? token = headerToken ?? (HttpMethods.IsGet(context.Request.Method) ? context.Request.Query["token"].FirstOrDefault() : null);
        if (token is null && HttpMethods.IsPost(context.Request.Method) && context.Request.Query.ContainsKey("token"))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "POST requests must carry the token in the Authorization header (CSRF protection)").ConfigureAwait(false);
            return;
        }
        string? labeler = _database.FindLabeler(token);
        if (labeler is null)
        {
            await Refuse(context, StatusCodes.Status401Unauthorized, token is null ? "a labeler token is required" : "unknown labeler token").ConfigureAwait(false);
            return;
        }
        if (HttpMethods.IsPost(context.Request.Method) && IsCrossSite(context.Request))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "cross-site POST refused (CSRF protection)").ConfigureAwait(false);
            return;
        }
        context.Items[LabelerKey] = labeler;
        await next().ConfigureAwait(false);
    }

    static string? BearerToken(HttpRequest request)
    {
        string? header = request.Headers.Authorization.FirstOrDefault();
        return header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
    }

    static bool IsCrossSite(HttpRequest request)
    {
        string? site = request.Headers["Sec-Fetch-Site"].FirstOrDefault();
        if (site is not null && site != "same-origin" && site != "none") return true;
        string? origin = request.Headers.Origin.FirstOrDefault();
        if (origin is null) return false;
        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }

    static string Labeler(HttpContext context) => (string)context.Items[LabelerKey]!;

    // ---------------------------------------------------------------- endpoints

    IResult Next(HttpContext context)
    {
        string me = Labeler(context);
        bool flip, preferGold;
        lock (_randomGate)
        {
            flip = _sides.NextDouble() < 0.5;
            preferGold = _gold.NextDouble() < _options.GoldRate;
        }
        var lease = _database.Lease(me, _options.Lease, preferGold, flip, DateTimeOffset.UtcNow);
        var (agreement, compared) = ModelAgreement(me);
        // Captions go with the clip they describe, so they follow the sides as shown.
        SegmentCaptions? leftCaptions = null, rightCaptions = null;
        if (lease is not null && _database.PairCaptions(lease.PairId) is { } captions)
            (leftCaptions, rightCaptions) = lease.Flipped ? (captions.Right, captions.Left) : (captions.Left, captions.Right);
        return Results.Json(new
        {
            pair = lease?.PairId,
            lease = lease?.LeaseId,
            left = lease is null ? null : new { clip = $"/clips/{lease.LeftClip}", poster = $"/posters/{lease.LeftClip}", captions = leftCaptions },
            right = lease is null ? null : new { clip = $"/clips/{lease.RightClip}", poster = $"/posters/{lease.RightClip}", captions = rightCaptions },
            expiresAt = lease?.ExpiresAt.ToUnixTimeMilliseconds(),
            labeler = me,
            progress = Progress(),
            mine = _database.CountLabels(me),
            agreement,
            agreementCount = compared,
        });
    }

    // The page's progress line may be a second old; /stats counts afresh.
    LabelingProgress Progress() => _database.RecentProgress(_options.Lease, _options.Budget);

    (double? Agreement, int Count) ModelAgreement(string labeler)
    {
        if (_agreement is null || _options.RewardModelPath is null || !File.Exists(_options.RewardModelPath)) return (null, 0);
        string id = LabelerName.ToLabelerId(labeler);
        return _agreement.Measure(id, _database.Store.GetLabeledPairs(includeSkipped: false, labelerId: id));
    }

    /// <summary>The body of an answer.</summary>
    sealed record AnswerBody(long? Pair, long? Lease, string? Choice);

    async Task<IResult> Submit(HttpContext context)
    {
        var (body, problem) = await ReadBody<AnswerBody>(context).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (body is null || body.Pair is null || body.Lease is null)
            return Results.BadRequest(new { error = "expected a JSON body {\"pair\": <id>, \"lease\": <id>, \"choice\": \"left|right|equal|skip\"}" });
        if (ShownChoices.Parse(body.Choice) is not ShownChoice choice)
            return Results.BadRequest(new { error = $"choice '{body.Choice}' for pair {body.Pair}: expected left, right, equal or skip" });
        if (body.Pair <= 0 || body.Lease <= 0)
            return Results.BadRequest(new { error = $"pair {body.Pair}, lease {body.Lease}: expected positive ids" });
        var outcome = await _database.SubmitAsync(Labeler(context), body.Lease.Value, body.Pair.Value, choice, DateTimeOffset.UtcNow).ConfigureAwait(false);
        object reply = new { status = outcome.Status.ToString(), label = outcome.LabelId, message = outcome.Message };
        return outcome.Status switch
        {
            SubmitStatus.Recorded or SubmitStatus.AlreadyRecorded => Results.Json(reply),
            SubmitStatus.UnknownLease => Results.Json(reply, statusCode: StatusCodes.Status404NotFound),
            SubmitStatus.NotYourLease => Results.Json(reply, statusCode: StatusCodes.Status403Forbidden),
            SubmitStatus.WrongPair => Results.Json(reply, statusCode: StatusCodes.Status400BadRequest),
            _ => Results.Json(reply, statusCode: StatusCodes.Status409Conflict),
        };
    }

    async Task<IResult> Undo(HttpContext context)
    {
        var (_, problem) = await ReadBody<JsonElement?>(context).ConfigureAwait(false);
        if (problem is not null) return problem;
        long? pair = _database.Undo(Labeler(context), _options.Lease, DateTimeOffset.UtcNow);
        return Results.Json(new { undone = pair });
    }

    // Reads a small JSON body; oversized bodies are 413 (Kestrel's limit), malformed ones 400.
    async Task<(T? Body, IResult? Problem)> ReadBody<T>(HttpContext context)
    {
        if (context.Request.ContentLength > _options.MaxRequestBodyBytes)
        {
            // The unread body stays on the connection, so the server closes it; saying so keeps a client from sending its
            // next request down a connection that is about to end.
            context.Response.Headers.Connection = "close";
            return (default, Results.Json(new { error = $"request body of {context.Request.ContentLength} bytes: expected at most {_options.MaxRequestBodyBytes}" }, statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return (default, Results.Json(new { error = $"content type '{context.Request.ContentType}': expected application/json" }, statusCode: StatusCodes.Status415UnsupportedMediaType));
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, JsonOptions, context.RequestAborted).ConfigureAwait(false);
            return (body, null);
        }
        catch (BadHttpRequestException e)
        {
            return (default, Results.Json(new { error = e.Message }, statusCode: e.StatusCode));
        }
        catch (JsonException e)
        {
            return (default, Results.BadRequest(new { error = $"malformed JSON body: {e.Message}" }));
        }
    }

    static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    IResult ClipFile(string id, bool video)
    {
        if (_database.FindClip(id) is not var (videoFile, posterFile)) return Results.NotFound();
        string folder = Prefetcher.ClipFolder + Path.DirectorySeparatorChar;
        string path = Path.GetFullPath(Path.Combine(folder, video ? videoFile : posterFile));
        if (!path.StartsWith(folder, StringComparison.Ordinal) || !File.Exists(path)) return Results.NotFound();
        return Results.File(path, video ? "video/webm" : "image/png", enableRangeProcessing: true);
    }

    IResult OracleHook(HttpContext context, long lease)
    {
        var held = _database.FindLease(lease);
        if (held is null) return Results.NotFound();
        if (held.Value.Labeler != LabelerName.ToLabelerId(Labeler(context))) return Results.StatusCode(StatusCodes.Status403Forbidden);
        var answer = LabelingDatabase.OracleAnswer(_database.Store.GetPair(held.Value.PairId));
        return Results.Json(new { choice = ShownChoices.FromCanonical(answer, held.Value.Flipped).ToString().ToLowerInvariant() });
    }

    object StatsDocument()
    {
        var (agreement, pairs) = _database.PairAgreement();
        return new { progress = _database.Progress(_options.Lease, _options.Budget), labelers = _database.Stats().Select(s => new { s.Name, s.Labels, s.GoldAnswered, s.GoldCorrect, s.GoldAccuracy, s.Agreement, s.AgreementComparisons, s.LabelsPerHour, s.MedianSecondsPerLabel }), pairAgreement = agreement, pairsWithSeveralAnswers = pairs };
    }

    static IResult PageFile(string path)
    {
        var stream = typeof(LabelingSite).Assembly.GetManifestResourceStream("wwwroot" + path);
        if (stream is null) return Results.NotFound();
        string type = Path.GetExtension(path) switch { ".js" => "text/javascript", ".css" => "text/css", _ => "text/html" };
        return Results.Stream(stream, type + "; charset=utf-8");
    }

    /// <summary>Stops serving and rendering.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Prefetcher.Dispose();
        _agreement?.Dispose();
    }

    /// <summary>Formats a share as a percentage for console lines.</summary>
    internal static string Percent(double? share) => share is double s ? s.ToString("P0", CultureInfo.InvariantCulture) : "—";
}
