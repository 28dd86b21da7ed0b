using System.Globalization;

namespace Sim.Cli.Tests;

/// <summary><c>sim envs</c> lists every registered env.</summary>
public sealed class EnvsCommandTests
{
    [Fact]
    public void Envs_lists_every_registered_id_with_its_time_limit()
    {
        using var cwd = new TempDirectory();
        var result = SimCli.Run(cwd.Path, "envs");
        result.AssertSucceeded();

        var listed = Rows(result.Stdout);
        var registry = Envs.Envs.Registry;
        Assert.Equal(registry.Ids.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        foreach (string id in registry.Ids)
            Assert.Equal(registry.Spec(id).MaxEpisodeSteps?.ToString(CultureInfo.InvariantCulture) ?? "—", listed[id]);
    }

    /// <summary>
    /// Id → max steps from the table. The table is 80 columns wide when redirected, so a long id wraps onto the next
    /// lines of its cell; a row starts on the line whose max-steps cell (always one line) is filled in.
    /// </summary>
    static Dictionary<string, string> Rows(string stdout)
    {
        var rows = new List<(string Id, string MaxSteps)>();
        bool body = false;
        foreach (string line in stdout.Split('\n'))
        {
            if (line.StartsWith('├')) body = true;
            if (!body || !line.StartsWith('│')) continue;
            string[] cells = line.Split('│');
            Assert.True(cells.Length == 7, $"table line '{line}' does not have 5 cells");
            string idPart = cells[1].Trim();
            string maxSteps = cells[4].Trim();
            if (maxSteps.Length > 0) rows.Add((idPart, maxSteps));
            else if (rows.Count > 0) rows[^1] = (rows[^1].Id + idPart, rows[^1].MaxSteps);
            else Assert.Fail($"table line '{line}' continues no row");
        }
        return rows.ToDictionary(r => r.Id, r => r.MaxSteps);
    }
}
