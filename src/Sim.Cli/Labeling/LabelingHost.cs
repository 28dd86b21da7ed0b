using System.Globalization;
using Sim.Labeling;

namespace Sim.Cli.Labeling;

/// <summary>The labeling site as a command runs it: started on a label store, with each new labeler's page address
/// printed (tokens are shown only once), a warning when it is reachable from other machines, and a progress line.</summary>
internal sealed class LabelingHost : IAsyncDisposable
{
    /// <summary>Environment variable that turns on the site's test hook (see <see cref="LabelingOptions.TestHooks"/>).</summary>
    public const string TestHooksVariable = "SIM_LABELING_TEST_HOOKS";

    /// <summary>Name of the labeler made when a store has none and none was asked for.</summary>
    public const string FirstLabelerName = "labeler1";

    readonly Timer? _progress;
    readonly LabelingOptions _options;
    string _lastProgress = "";

    LabelingHost(LabelingDatabase database, LabelingSite site, LabelingOptions options, TimeSpan? progressEvery)
    {
        Database = database;
        Site = site;
        _options = options;
        if (progressEvery is TimeSpan every) _progress = new Timer(_ => PrintProgress(), null, every, every);
    }

    /// <summary>The store and labeling tables.</summary>
    public LabelingDatabase Database { get; }

    /// <summary>The running site.</summary>
    public LabelingSite Site { get; }

    /// <summary>Opens <paramref name="target"/>'s store, adds <paramref name="newLabelers"/> (or <see cref="FirstLabelerName"/>
    /// when the store has no labeler), starts the site and prints where each new labeler labels.</summary>
    public static async Task<LabelingHost> StartAsync(LabelingTarget target, LabelingOptions options, IReadOnlyList<string> newLabelers,
        TextWriter output, TimeSpan? progressEvery)
    {
        foreach (string name in newLabelers) LabelerName.Validate(name);
        options = options with { TestHooks = Environment.GetEnvironmentVariable(TestHooksVariable) == "1" };
        options.Validate();
        var database = LabelingDatabase.Open(target.LabelsPath);
        try
        {
            var names = newLabelers.Count > 0 || database.LabelerNames().Count > 0 ? newLabelers : [FirstLabelerName];
            var tokens = names.Select(n => (Name: n, Token: database.AddLabeler(n))).ToList();
            var site = await LabelingSite.StartAsync(database, options).ConfigureAwait(false);
            site.Prefetcher.Failed += (pair, e) => Console.Error.WriteLine($"sim label: the clips of pair {pair} cannot be rendered, so it is not shown: {e.Message}");
            if (!options.IsLoopback)
                Console.Error.WriteLine($"sim label: warning: listening on {options.Host}, reachable from other machines; tokens are still required, and traffic is not encrypted (put it behind TLS)");
            output.WriteLine($"labeling site: {site.Url} (labels in {target.LabelsPath}; stats at {site.Url}/stats?token=…)");
            foreach (var (name, token) in tokens) output.WriteLine($"labeler {name}: {site.PageUrl(token)}");
            var others = database.LabelerNames().Except(tokens.Select(t => t.Name)).ToList();
            if (others.Count > 0)
                output.WriteLine($"other labelers ({string.Join(", ", others)}) use the links printed when they were added; tokens are stored hashed and cannot be shown again");
            output.Flush();
            return new LabelingHost(database, site, options, progressEvery);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>One line: answers against the budget, the queue, labelers and clips rendered.</summary>
    public string ProgressLine()
    {
        var p = Database.Progress(_options.Lease, _options.Budget);
        return string.Create(CultureInfo.InvariantCulture,
            $"labels {p.Labels}/{p.Budget} · queue {p.Queue} ({p.ReadyQueue} with clips) · {p.Labelers} labelers · {Site.Prefetcher.PairsReady} pairs rendered");
    }

    void PrintProgress()
    {
        try
        {
            string line = ProgressLine();
            if (line == _lastProgress) return;
            _lastProgress = line;
            Console.WriteLine(line);
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    /// <summary>Stops the site and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_progress is not null) await _progress.DisposeAsync().ConfigureAwait(false);
        await Site.DisposeAsync().ConfigureAwait(false);
        Database.Dispose();
    }
}
