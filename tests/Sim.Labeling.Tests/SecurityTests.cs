using System.Net;
using System.Text;

namespace Sim.Labeling.Tests;

/// <summary>The site's answers to requests it must refuse: missing or unknown tokens, another labeler's lease, cross-site
/// POSTs, traversal attempts, oversized bodies, invalid labels and pair ids, floods; and that double submits are idempotent.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityTests
{
    [Fact]
    public async Task Each_bad_request_gets_its_status_code_and_a_double_submit_is_acknowledged_once()
    {
        using var workspace = new LabelingWorkspace();
        var server = workspace.Serve(pairs: 4, labelers: 2);
        workspace.WaitForClips(server);
        using var api = new LabelingApi(server.Url);
        string a = server.Tokens["a0"], b = server.Tokens["b0"];

        // The page's own files need no token; everything else does.
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, "/", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, "/app.js", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Send(HttpMethod.Get, "/api/next", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Send(HttpMethod.Get, "/api/next", new string('x', 43))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Send(HttpMethod.Get, "/stats", null)).Status);

        var next = await api.Next(a);
        long pair = next.GetProperty("pair").GetInt64(), lease = next.GetProperty("lease").GetInt64();
        string clip = next.GetProperty("left").GetProperty("clip").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Send(HttpMethod.Get, clip, null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, $"{clip}?token={a}", null)).Status);

        // Clips are found by content id only.
        foreach (string path in new[]
        {
            "/clips/..%2F..%2F..%2Fetc%2Fpasswd", "/clips/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/clips/..%252F..%252Fetc%252Fpasswd",
            "/posters/....%2F%2F....%2F%2Fetc%2Fpasswd", "/clips/%2Fetc%2Fpasswd", "/clips/" + new string('0', 32), "/clips/../../etc/passwd",
        })
        {
            // Sent byte for byte: an HTTP client library would normalise the dot segments before the server saw them.
            var (code, text) = await RawGet(new Uri(server.Url), path + "?token=" + a);
            Assert.True(code == 404, $"{path}: {code}");
            Assert.DoesNotContain("root:", text);
        }

        // Another labeler's lease.
        var (status, _) = await api.Submit(b, pair, lease, "left");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        // Invalid label values and pair ids.
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Submit(a, pair, lease, "up")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Submit(a, pair + 1, lease, "left")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Submit(a, -3, lease, "left")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Send(HttpMethod.Post, "/api/labels", a, "{\"pair\": \"one\"")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Submit(a, pair, 999_999, "left")).Status);
        // Oversized body.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge,
            (await api.Send(HttpMethod.Post, "/api/labels", a, "{\"pad\":\"" + new string('a', 100_000) + "\"}")).Status);
        // CSRF: a cross-site POST, and a token that only a link (not the page's header) could carry.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Send(HttpMethod.Post, "/api/labels", a, $"{{\"pair\":{pair},\"lease\":{lease},\"choice\":\"left\"}}",
            r => r.Headers.Add("Origin", "http://evil.example"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Send(HttpMethod.Post, $"/api/labels?token={a}", null, $"{{\"pair\":{pair},\"lease\":{lease},\"choice\":\"left\"}}")).Status);
        Assert.Equal(0, workspace.Scalar("SELECT count(*) FROM labels"));

        // A double submit is acknowledged with the same label; a different answer conflicts.
        var first = await api.Submit(a, pair, lease, "left");
        var second = await api.Submit(a, pair, lease, "left");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body.GetProperty("label").GetInt64(), second.Body.GetProperty("label").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, (await api.Submit(a, pair, lease, "right")).Status);
        Assert.Equal(1, workspace.Scalar($"SELECT count(*) FROM labels WHERE pair_id = {pair}"));
    }

    static async Task<(int Status, string Text)> RawGet(Uri site, string target)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(site.Host, site.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {site.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string text = await reader.ReadToEndAsync();
        return (int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public async Task A_token_flooding_the_site_is_rate_limited_and_others_are_not()
    {
        using var workspace = new LabelingWorkspace();
        var server = workspace.Serve(1, 2, "--rate-limit", "2");
        using var api = new LabelingApi(server.Url);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 12; i++) statuses.Add((await api.Send(HttpMethod.Get, "/api/next", server.Tokens["a0"])).Status);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, "/api/next", server.Tokens["b0"])).Status);
    }

    [Fact]
    public async Task Listening_beyond_loopback_warns_and_still_requires_tokens()
    {
        using var workspace = new LabelingWorkspace();
        var server = workspace.Serve(1, 1, "--host", "0.0.0.0");
        server.WaitFor(() => server.Stderr.Contains("warning", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "a warning");
        Assert.Contains("0.0.0.0", server.Stderr);
        using var api = new LabelingApi(server.Url.Replace("0.0.0.0", "127.0.0.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Send(HttpMethod.Get, "/api/next", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, "/api/next", server.Tokens["a0"])).Status);
    }

    [Fact]
    public void Commands_refuse_bad_input_naming_the_value()
    {
        using var folder = new TempDirectory();
        SimCli.Run(folder.Path, "label").AssertBadInput("--run", "--labels");
        SimCli.Run(folder.Path, "label", "--labels", "missing.db").AssertBadInput("missing.db", "does not exist");
        SimCli.Run(folder.Path, "label", "add-labeler", "bad name", "--labels", "x.db").AssertBadInput("'bad name'", "letters");
        SimCli.Run(folder.Path, "train", "--env", "Pendulum-v1", "--reward", "preference", "--label-wait", "3").AssertBadInput("--label-wait", "--teacher human");
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }
}
