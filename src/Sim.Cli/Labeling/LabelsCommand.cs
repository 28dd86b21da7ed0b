using System.CommandLine;
using Sim.Cli.Commands;
using Sim.Labeling;
using Sim.Rewards.Robot;

namespace Sim.Cli.Labeling;

/// <summary><c>sim labels export|import</c>: a label store's pairs, labels, labeler ids and segments as JSON Lines, and back.</summary>
public static class LabelsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var exportLabels = new Option<FileInfo>("--labels") { Description = "Label store to export", Required = true };
        var exportOut = new Option<FileInfo>("--out") { Description = "JSONL file to write", DefaultValueFactory = _ => new FileInfo("labels.jsonl") };
        var export = new Command("export", "Write every pair, label, labeler id and segment of a label store as JSON Lines") { exportLabels, exportOut };
        export.SetAction(parse =>
        {
            var labels = parse.GetValue(exportLabels)!;
            var output = parse.GetValue(exportOut)!;
            OutputPath.RequireWritableFile("--out", output);
            using var store = SegmentCodec.OpenStoreReadOnly(labels.FullName);
            var counts = LabelsJsonl.Export(store, output.FullName);
            Console.WriteLine($"{counts.Pairs} pairs, {counts.Labels} labels, {counts.Labelers} labelers, {counts.Segments} segments written to {output.FullName}");
            return 0;
        });

        var importIn = new Option<FileInfo>("--in") { Description = "JSONL file written by sim labels export", Required = true };
        var importLabels = new Option<FileInfo>("--labels") { Description = "Label store to add the pairs and labels to (created when missing)", Required = true };
        var import = new Command("import", "Add the pairs and labels of a JSONL export to a label store (pairs get new ids)") { importIn, importLabels };
        import.SetAction(parse =>
        {
            var input = parse.GetValue(importIn)!;
            var labels = parse.GetValue(importLabels)!;
            if (!input.Exists) throw new FileNotFoundException($"--in '{input.FullName}' does not exist: expected a file written by sim labels export", input.FullName);
            // Checked before the store is opened, so a bad file leaves everything as it was.
            var contents = LabelsJsonl.Read(input.FullName);
            using var store = SegmentCodec.OpenStore(labels.FullName);
            var counts = LabelsJsonl.Import(store, contents);
            Console.WriteLine($"{counts.Pairs} pairs, {counts.Labels} labels, {counts.Labelers} labelers, {counts.Segments} segments added to {labels.FullName}");
            return 0;
        });
        return new Command("labels", "Move a label store's pairs and labels in and out as JSON Lines") { export, import };
    }
}
