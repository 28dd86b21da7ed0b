using System.Collections.Concurrent;
using System.Net;

namespace Sim.Labeling.Tests;

/// <summary>Every answer acknowledged with 200 survives a SIGKILL of the server in the middle of a burst, and labeling
/// carries on after a restart.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_label_is_stored_after_a_SIGKILL_during_a_burst_and_the_queue_resumes()
    {
        using var workspace = new LabelingWorkspace();
        // Labelers start while clips are still being rendered, as they would on a busy machine.
        var server = workspace.Serve(60, 4, "--segment-length", "10", "--rate-limit", "1000");
        var acknowledged = new ConcurrentBag<(long Label, long Pair, long Lease, string Labeler)>();
        using var stop = new CancellationTokenSource();

        async Task Label(string name)
        {
            using var api = new LabelingApi(server.Url);
            string token = server.Tokens[name];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var next = await api.Next(token);
                    if (next.GetProperty("pair").ValueKind == System.Text.Json.JsonValueKind.Null)
                    {
                        await Task.Delay(100);
                        continue;
                    }
                    long pair = next.GetProperty("pair").GetInt64(), lease = next.GetProperty("lease").GetInt64();
                    var (status, body) = await api.Submit(token, pair, lease, "right");
                    if (status == HttpStatusCode.OK) acknowledged.Add((body.GetProperty("label").GetInt64(), pair, lease, "human:" + name));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
                {
                    return; // the server is gone
                }
            }
        }

        var labelers = server.Tokens.Keys.Select(n => Task.Run(() => Label(n))).ToList();
        SpinWait.SpinUntil(() => acknowledged.Count >= 25, TimeSpan.FromSeconds(60));
        server.Kill();
        await Task.WhenAll(labelers);
        Assert.True(acknowledged.Count >= 25, $"only {acknowledged.Count} labels were acknowledged before the kill");

        // "right" as shown is stored as Right (1), or as Left (0) when the showing had the sides swapped.
        foreach (var (label, pair, lease, labeler) in acknowledged)
        {
            long stored = 1 - workspace.Scalar($"SELECT flipped FROM labeling_leases WHERE id = {lease}");
            Assert.Equal(1, workspace.Scalar($"SELECT count(*) FROM labels WHERE id = {label} AND pair_id = {pair} AND labeler = '{labeler}' AND label = {stored}"));
        }

        var restarted = workspace.Serve(60, 0, "--segment-length", "10");
        Assert.Equal(1, workspace.Scalar("SELECT count(*) FROM (SELECT 1 WHERE (SELECT count(*) FROM pairs) = 60)"));
        using var again = new LabelingApi(restarted.Url);
        string token = server.Tokens["a0"];
        // The labelers had answered every pair rendered before the kill; the restarted site renders on and hands out the rest.
        var resumed = await again.Next(token);
        for (var deadline = DateTime.UtcNow.AddMinutes(2); resumed.GetProperty("pair").ValueKind == System.Text.Json.JsonValueKind.Null && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(250);
            resumed = await again.Next(token);
        }
        long resumedPair = resumed.GetProperty("pair").GetInt64();
        Assert.Equal(0, workspace.Scalar($"SELECT count(*) FROM labels WHERE pair_id = {resumedPair}"));
        Assert.Equal(HttpStatusCode.OK, (await again.Submit(token, resumedPair, resumed.GetProperty("lease").GetInt64(), "left")).Status);
        Assert.Equal(acknowledged.Count + 1, workspace.Scalar("SELECT count(*) FROM labels"));
    }
}
