namespace Sim.Learning.Runs;

/// <summary>One part of a <see cref="CheckpointContents"/>: its name, kind and how to write it.</summary>
internal sealed record CheckpointPart(string Name, CheckpointPartKind Kind, Action<Stream> Write)
{
    /// <summary>The part's file inside the checkpoint folder.</summary>
    public string FileName => FileNameOf(Name);

    /// <summary>The file name used for a part called <paramref name="name"/>.</summary>
    public static string FileNameOf(string name) => name + ".bin";
}
