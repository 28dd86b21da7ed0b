using Sim.Foundation;
using Sim.Learning.Training;
using System.Globalization;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;

namespace Sim.Learning.Runs;

/// <summary>Logs training scalars (CleanRL tags such as <c>charts/episodic_return</c>, <c>losses/approx_kl</c>) to
/// TensorBoard, to a long-format CSV and to in-memory series for plotting.</summary>
/// <remarks>
/// <para>The CSV (<c>step,tag,value,wall_time</c>) is the complete record: values keep full double precision (shortest
/// round-trip form) and the wall time is seconds since the Unix epoch with millisecond resolution. Rows are written
/// as they come and flushed to the OS at most <see cref="FlushInterval"/> apart, and on <see cref="Flush"/> and
/// <see cref="Dispose"/>; <see cref="FlushToDisk"/> (at every checkpoint) also syncs them to the disk. A crash loses
/// only rows logged after the last checkpoint, which a resume drops anyway, and a row cut short by a crash is dropped
/// when the run resumes.</para>
/// <para>TensorBoard gets the same scalars through TorchSharp's <c>SummaryWriter</c>, whose API carries single-precision
/// values, wall times in whole seconds and 32-bit steps: a step above <see cref="int.MaxValue"/> is left out of
/// TensorBoard (the CSV keeps it).</para>
/// <para>Resuming from step S keeps the CSV rows and TensorBoard events with step ≤ S and discards the rest, which
/// the crashed run logged after its last checkpoint and the resumed run is about to log again.</para>
/// <para>One thread at a time: the logger does no locking, as a training loop logs from one thread.</para>
/// </remarks>
public sealed class MetricsLogger : IMetricSink, IDisposable
{
    /// <summary>The first line of every metrics CSV.</summary>
    public const string CsvHeader = "step,tag,value,wall_time";

    private readonly string _csvPath;
    private readonly TimeProvider _time;
    private readonly string? _tensorBoardDirectory;
    private SummaryWriter? _tensorBoard;
    private readonly Dictionary<string, List<MetricPoint>> _series = new(StringComparer.Ordinal);
    private readonly StreamWriter _csv;
    private DateTimeOffset _lastFlush;
    private bool _disposed;

    /// <summary>
    /// Opens a logger writing <paramref name="csvPath"/> and, unless null, TensorBoard event files in
    /// <paramref name="tensorBoardDirectory"/>. With <paramref name="resumeFromStep"/> the existing CSV is read back
    /// (rows past that step dropped) and appended to; without it the CSV must not hold any rows yet.
    /// <paramref name="time"/> (default: the system clock) supplies wall times.
    /// </summary>
    public MetricsLogger(string csvPath, string? tensorBoardDirectory, long? resumeFromStep = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(csvPath);
        if (resumeFromStep < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(resumeFromStep), resumeFromStep, "resume step must be >= 0");
        }
        _csvPath = Path.GetFullPath(csvPath);
        _time = time ?? TimeProvider.System;

        // Everything that can refuse (a foreign or corrupt CSV, rows without a resume step) runs before anything is written.
        List<string> keptLines = ReadExistingRows(resumeFromStep);
        if (tensorBoardDirectory != null && resumeFromStep is long step)
        {
            TensorBoardEventTrimmer.TrimAfter(tensorBoardDirectory, step);
        }
        // Rewritten even when nothing was dropped, so that the file ends in a complete line before appending.
        AtomicFile.Write(_csvPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            writer.WriteLine(CsvHeader);
            foreach (string line in keptLines)
            {
                writer.WriteLine(line);
            }
        });
        // The event file is made at the first scalar, so that a run that fails before logging leaves none behind.
        _tensorBoardDirectory = tensorBoardDirectory;
        var file = new FileStream(_csvPath, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _csv = new StreamWriter(file, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _lastFlush = _time.GetUtcNow();
    }

    /// <summary>Opens the logger of <paramref name="run"/> (its metrics.csv and tensorboard/ folder).</summary>
    public static MetricsLogger ForRun(RunDirectory run, long? resumeFromStep = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new MetricsLogger(run.MetricsPath, run.TensorBoardPath, resumeFromStep, time);
    }

    /// <summary>Longest time between two flushes of the CSV to the OS while logging.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Path of the CSV file.</summary>
    public string CsvPath => _csvPath;

    /// <summary>Every tag logged so far (including rows kept from before a resume).</summary>
    public IReadOnlyCollection<string> Tags => _series.Keys;

    /// <summary>Records <paramref name="value"/> of <paramref name="tag"/> at training step <paramref name="step"/>.</summary>
    public void Log(string tag, double value, long step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateTag(tag);
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"step of \"{tag}\" is {step}: steps must be >= 0");
        }
        DateTimeOffset now = _time.GetUtcNow();
        double wallTime = Math.Round(now.ToUnixTimeMilliseconds() / 1000.0, 3);
        Append(tag, new MetricPoint(step, value, wallTime));

        _csv.Write(step.ToString(CultureInfo.InvariantCulture));
        _csv.Write(',');
        _csv.Write(tag);
        _csv.Write(',');
        _csv.Write(value.ToString("R", CultureInfo.InvariantCulture));
        _csv.Write(',');
        _csv.WriteLine(wallTime.ToString("0.000", CultureInfo.InvariantCulture));
        if (now - _lastFlush >= FlushInterval)
        {
            Flush();
        }

        if (_tensorBoardDirectory != null && step <= int.MaxValue)
        {
            _tensorBoard ??= torch.utils.tensorboard.SummaryWriter(_tensorBoardDirectory);
            _tensorBoard.add_scalar(tag, (float)value, (int)step, now.ToUnixTimeSeconds());
        }
    }

    /// <summary>The values of <paramref name="tag"/> in the order logged (empty for a tag never logged).</summary>
    public IReadOnlyList<MetricPoint> Series(string tag) =>
        _series.TryGetValue(tag, out List<MetricPoint>? points) ? points : Array.Empty<MetricPoint>();

    /// <summary>Pushes buffered CSV rows to the OS, so that other readers (and a crash) see them.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _csv.Flush();
        _lastFlush = _time.GetUtcNow();
    }

    /// <summary>Pushes buffered CSV rows to the disk itself (fsync), so that they survive a crash of the machine too; called
    /// at every checkpoint, after which a resume keeps them.</summary>
    public void FlushToDisk()
    {
        Flush();
        ((FileStream)_csv.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>Flushes and closes the CSV. TensorBoard events need no closing: each is written through as it is logged.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _csv.Dispose();
        _disposed = true;
    }

    /// <summary>Throws unless <paramref name="tag"/> can be written unquoted into the CSV.</summary>
    public static void ValidateTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Length == 0)
        {
            throw new ArgumentException("metric tag is empty: expected a name such as \"charts/episodic_return\"", nameof(tag));
        }
        for (int i = 0; i < tag.Length; i++)
        {
            char c = tag[i];
            if (c == ',' || c == '"' || char.IsControl(c))
            {
                throw new ArgumentException(
                    $"metric tag \"{tag}\" has character U+{(int)c:X4} at index {i}: tags must not contain commas, quotes or control characters", nameof(tag));
            }
        }
    }

    private void Append(string tag, MetricPoint point)
    {
        if (!_series.TryGetValue(tag, out List<MetricPoint>? points))
        {
            points = new List<MetricPoint>();
            _series.Add(tag, points);
        }
        points.Add(point);
    }

    // Reads the rows to keep and fills the in-memory series with them.
    private List<string> ReadExistingRows(long? resumeFromStep)
    {
        var kept = new List<string>();
        if (!File.Exists(_csvPath))
        {
            return kept;
        }
        string text = File.ReadAllText(_csvPath, Encoding.UTF8);
        if (text.Length == 0)
        {
            return kept;
        }
        // A line counts only once its newline is written: anything after the last newline is a row cut short by a crash.
        string[] lines = MetricsFile.CompleteLines(text);
        if (lines.Length == 0)
        {
            return kept;
        }
        if (lines[0].TrimEnd('\r') != CsvHeader)
        {
            throw new InvalidDataException($"metrics file '{_csvPath}' starts with \"{lines[0]}\": expected the header \"{CsvHeader}\"");
        }
        int rows = lines.Length - 1;
        if (resumeFromStep is not long lastStep)
        {
            if (rows > 0)
            {
                throw new InvalidOperationException(
                    $"metrics file '{_csvPath}' already holds {rows} rows: pass the checkpoint step to resume that run, or log into a new run folder");
            }
            return kept;
        }
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            var (tag, point) = MetricsFile.ParseRow(_csvPath, i + 1, line);
            if (point.Step <= lastStep)
            {
                kept.Add(line);
                Append(tag, point);
            }
        }
        return kept;
    }
}
