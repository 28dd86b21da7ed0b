using System.Diagnostics;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Preferences;

public class LabelStoreKillTests
{
    const string WriterName = "Sim.Rewards.LabelWriter";

    [Fact]
    public void EveryAcknowledgedLabelSurvivesKillingTheWriter()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels.db");
        var acknowledged = new List<(long Id, int Label)>();
        using (var child = StartWriter(path, "teacher:killed"))
        {
            // A safety net, not a timing assertion: a writer that hangs is killed, so the read below ends and the test fails.
            using var watchdog = new Timer(_ => KillQuietly(child), null, TimeSpan.FromMinutes(2), Timeout.InfiniteTimeSpan);
            try
            {
                // Kill after enough acknowledgements that the writer is surely mid-stream, with no fixed delay.
                while (acknowledged.Count < 40)
                {
                    string? line = child.StandardOutput.ReadLine();
                    if (line == null)
                        Assert.Fail($"the writer exited with code {(child.WaitForExit(10_000) ? child.ExitCode : -1)} after "
                            + $"{acknowledged.Count} labels: {child.StandardError.ReadToEnd()}");
                    var parts = line!.Split(' ');
                    acknowledged.Add((long.Parse(parts[0]), int.Parse(parts[1])));
                }
            }
            finally
            {
                KillQuietly(child);
                child.WaitForExit();
            }
            // Lines the writer printed before it died are acknowledged too.
            string? rest;
            while ((rest = child.StandardOutput.ReadLine()) != null)
            {
                var parts = rest.Split(' ');
                if (parts.Length == 2 && long.TryParse(parts[0], out long id) && int.TryParse(parts[1], out int label))
                    acknowledged.Add((id, label));
            }
        }

        using var store = SegmentCodec.OpenStore(path);
        Assert.Equal("ok", store.CheckIntegrity());
        var stored = store.GetLabeledPairs(includeSkipped: true, labelerId: "teacher:killed")
            .ToDictionary(l => l.Pair.Id, l => (int)l.Label);
        foreach (var (id, label) in acknowledged)
        {
            Assert.True(stored.TryGetValue(id, out int found), $"acknowledged label for pair {id} is missing after the kill");
            Assert.Equal(label, found);
        }
        Assert.True(stored.Count >= acknowledged.Count);
        // The store stays usable after the crash.
        long next = store.AddPairs([new(TestSegments.Make(1, [1]), TestSegments.Make(2, [2]))], new PairProvenance(1, "uniform"))[0].Id;
        store.RecordLabel(next, PreferenceLabel.Left, "teacher:killed");
    }

    static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    static Process StartWriter(string storePath, string labeler)
    {
        string writer = SiblingProgram.FindDll("tests/" + WriterName, WriterName + ".dll");
        var info = SiblingProgram.StartInfo(writer, [storePath, labeler]);
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {writer}");
    }
}
