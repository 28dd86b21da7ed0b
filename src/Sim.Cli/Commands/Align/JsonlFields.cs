using System.Text.Json;

namespace Sim.Cli.Commands.Align;

/// <summary>Reads the string fields of a TRL-style JSON-lines dataset (<c>{"prompt","completion"}</c>,
/// <c>{"prompt","chosen","rejected"}</c>) line by line, keeping each row's line number for error messages.</summary>
/// <remarks>Blank lines are skipped and other fields ignored, as TRL ignores extra columns. Every field named is
/// required and must be a string; those in <c>nonEmpty</c> must also have text (a completion cannot be empty, a
/// prompt may be).</remarks>
public static class JsonlFields
{
    /// <summary>The values of <paramref name="fields"/> on each data line of <paramref name="path"/>, with the line number.</summary>
    /// <exception cref="InvalidDataException">Naming the file, line and field of the first problem.</exception>
    public static List<(int Line, string[] Values)> Read(string path, IReadOnlyList<string> fields, IReadOnlySet<string> nonEmpty)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"dataset '{full}' does not exist", full);
        var rows = new List<(int, string[])>();
        int number = 0;
        foreach (string line in File.ReadLines(full))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                // JsonException's own text ends in a position within the one-line document ("LineNumber: 0 | …"); the byte suffices.
                string reason = e.Message.Split(" LineNumber:")[0];
                throw new InvalidDataException($"dataset '{full}' line {number} is not valid JSON at byte {e.BytePositionInLine + 1}: {reason}", e);
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new InvalidDataException($"dataset '{full}' line {number} is a JSON {document.RootElement.ValueKind}: expected an object with {string.Join(", ", fields.Select(f => $"\"{f}\""))}");
                var values = new string[fields.Count];
                for (int f = 0; f < fields.Count; f++)
                {
                    if (!document.RootElement.TryGetProperty(fields[f], out var value))
                        throw new InvalidDataException($"dataset '{full}' line {number} has no \"{fields[f]}\" field: expected {string.Join(", ", fields.Select(n => $"\"{n}\""))}");
                    if (value.ValueKind != JsonValueKind.String)
                        throw new InvalidDataException($"dataset '{full}' line {number} field \"{fields[f]}\" is a JSON {value.ValueKind}: expected a string");
                    values[f] = value.GetString()!;
                    if (nonEmpty.Contains(fields[f]) && values[f].Length == 0)
                        throw new InvalidDataException($"dataset '{full}' line {number} field \"{fields[f]}\" is empty: expected the text of a completion");
                }
                rows.Add((number, values));
            }
        }
        if (rows.Count == 0) throw new InvalidDataException($"dataset '{full}' has no examples: expected one JSON object per line");
        return rows;
    }
}
