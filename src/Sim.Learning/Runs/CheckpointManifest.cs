namespace Sim.Learning.Runs;

/// <summary>The table of contents written last into a checkpoint folder: its step and, per part, the file, size and hash.</summary>
internal sealed record CheckpointManifest
{
    /// <summary>The layout version this build writes and reads.</summary>
    public const int CurrentFormat = 1;

    public required int Format { get; init; }

    public required long Step { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    public required IReadOnlyList<CheckpointManifestEntry> Parts { get; init; }
}

/// <summary>One part as listed in a <see cref="CheckpointManifest"/>; the hash is XxHash64 of the file, in hex.</summary>
internal sealed record CheckpointManifestEntry(string Name, CheckpointPartKind Kind, string File, long Length, string XxHash64);
