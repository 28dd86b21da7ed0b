using System.Text;
using System.Text.Json;
using Sim.Foundation;

namespace Sim.Alignment.Corpus;

/// <summary>Reads and writes datasets in TRL's JSON-lines formats: one JSON object per line, preference
/// <c>{"prompt","chosen","rejected"}</c> (an optional numeric <c>margin</c>), prompt–completion
/// <c>{"prompt","completion"}</c> and unpaired <c>{"prompt","completion","label"}</c>. The synthetic corpus is written
/// in them, and real datasets in the same standard (not conversational) format read the same way.</summary>
/// <remarks>Other fields on a line are ignored, as TRL ignores extra columns. Blank lines are skipped. Completions must
/// have text; a prompt may be empty (an unconditional completion). Writes are atomic.</remarks>
public static class TrlJsonl
{
    private static readonly string[] PreferenceFields = ["prompt", "chosen", "rejected"];
    private static readonly string[] CompletionFields = ["prompt", "completion"];
    private static readonly string[] UnpairedFields = ["prompt", "completion", "label"];

    /// <summary>Writes <paramref name="examples"/> to <paramref name="path"/>, one preference object per line.</summary>
    public static void WritePreferences(string path, IEnumerable<PreferenceExample> examples) => Write(path, examples, (writer, e) =>
    {
        writer.WriteString("prompt", e.Prompt);
        writer.WriteString("chosen", e.Chosen);
        writer.WriteString("rejected", e.Rejected);
        if (e.Margin is double margin) writer.WriteNumber("margin", margin);
    });

    /// <summary>Writes <paramref name="examples"/> to <paramref name="path"/>, one prompt–completion object per line.</summary>
    public static void WriteCompletions(string path, IEnumerable<CompletionExample> examples) => Write(path, examples, (writer, e) =>
    {
        writer.WriteString("prompt", e.Prompt);
        writer.WriteString("completion", e.Completion);
    });

    /// <summary>Writes <paramref name="examples"/> to <paramref name="path"/>, one unpaired object per line.</summary>
    public static void WriteUnpaired(string path, IEnumerable<UnpairedExample> examples) => Write(path, examples, (writer, e) =>
    {
        writer.WriteString("prompt", e.Prompt);
        writer.WriteString("completion", e.Completion);
        writer.WriteBoolean("label", e.Label);
    });

    /// <summary>The preference examples of <paramref name="path"/>.</summary>
    /// <exception cref="DatasetFormatException">A line that is not a JSON object, lacks a field, has a field of the wrong
    /// type, or has an empty chosen or rejected completion.</exception>
    public static List<PreferenceExample> ReadPreferences(string path) => Examples(ReadNumberedPreferences(path));

    /// <summary>As <see cref="ReadPreferences"/>, each example with the line it stands on, for errors found later (a
    /// tokenized example longer than a model's context).</summary>
    public static List<(int Line, PreferenceExample Example)> ReadNumberedPreferences(string path) => Read(path, PreferenceFields, (line, root) =>
    {
        double? margin = null;
        if (root.TryGetProperty("margin", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double m) || !double.IsFinite(m))
                throw new DatasetFormatException(path, line, "margin", $"is {Describe(value)}: expected a finite number");
            margin = m;
        }
        return new PreferenceExample(
            Text(path, line, root, "prompt", allowEmpty: true),
            Text(path, line, root, "chosen", allowEmpty: false),
            Text(path, line, root, "rejected", allowEmpty: false),
            margin);
    });

    /// <summary>The prompt–completion examples of <paramref name="path"/>.</summary>
    /// <exception cref="DatasetFormatException">A line that is not a JSON object, lacks a field, has a field of the wrong
    /// type, or has an empty completion.</exception>
    public static List<CompletionExample> ReadCompletions(string path) => Examples(ReadNumberedCompletions(path));

    /// <summary>As <see cref="ReadCompletions"/>, each example with the line it stands on.</summary>
    public static List<(int Line, CompletionExample Example)> ReadNumberedCompletions(string path) => Read(path, CompletionFields, (line, root) =>
        new CompletionExample(Text(path, line, root, "prompt", allowEmpty: true), Text(path, line, root, "completion", allowEmpty: false)));

    /// <summary>The unpaired examples of <paramref name="path"/>.</summary>
    /// <exception cref="DatasetFormatException">As <see cref="ReadCompletions"/>, and a <c>label</c> that is not true or false.</exception>
    public static List<UnpairedExample> ReadUnpaired(string path) => Examples(ReadNumberedUnpaired(path));

    /// <summary>As <see cref="ReadUnpaired"/>, each example with the line it stands on.</summary>
    public static List<(int Line, UnpairedExample Example)> ReadNumberedUnpaired(string path) => Read(path, UnpairedFields, (line, root) =>
    {
        var label = root.GetProperty("label");
        if (label.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new DatasetFormatException(path, line, "label", $"is {Describe(label)}: expected true (desirable) or false (undesirable)");
        return new UnpairedExample(Text(path, line, root, "prompt", allowEmpty: true), Text(path, line, root, "completion", allowEmpty: false),
            label.ValueKind == JsonValueKind.True);
    });

    private static void Write<T>(string path, IEnumerable<T> examples, Action<Utf8JsonWriter, T> writeFields)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(examples);
        AtomicFile.Write(path, stream =>
        {
            var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            foreach (var example in examples)
            {
                using (var writer = new Utf8JsonWriter(stream, options))
                {
                    writer.WriteStartObject();
                    writeFields(writer, example);
                    writer.WriteEndObject();
                }
                stream.WriteByte((byte)'\n');
            }
        });
    }

    private static List<T> Examples<T>(List<(int Line, T Example)> numbered) => numbered.ConvertAll(e => e.Example);

    private static List<(int Line, T Example)> Read<T>(string path, string[] required, Func<int, JsonElement, T> parse)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such dataset file", path);
        var examples = new List<(int, T)>();
        int lineNumber = 0;
        using var reader = new StreamReader(path, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, lineNumber, null, $"is not valid JSON ({e.Message}): expected one object per line with {FieldList(required)}", e);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw new DatasetFormatException(path, lineNumber, null, $"is {Describe(root)}: expected an object with {FieldList(required)}");
                foreach (var field in required)
                {
                    if (!root.TryGetProperty(field, out _))
                        throw new DatasetFormatException(path, lineNumber, field, $"is missing: expected an object with {FieldList(required)}");
                }
                examples.Add((lineNumber, parse(lineNumber, root)));
            }
        }
        if (examples.Count == 0)
            throw new InvalidDataException($"{path} has no examples: expected one object per line with {FieldList(required)}");
        return examples;
    }

    private static string Text(string path, int line, JsonElement root, string field, bool allowEmpty)
    {
        var value = root.GetProperty(field);
        if (value.ValueKind != JsonValueKind.String)
        {
            string hint = value.ValueKind == JsonValueKind.Array ? " (conversational datasets with message lists are not read; give plain text)" : "";
            throw new DatasetFormatException(path, line, field, $"is {Describe(value)}: expected a string{hint}");
        }
        string text = value.GetString()!;
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
            throw new DatasetFormatException(path, line, field, "is empty: a completion must have at least one non-space character");
        return text;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string FieldList(string[] fields) => string.Join(", ", fields.Select(f => $"\"{f}\""));
}
