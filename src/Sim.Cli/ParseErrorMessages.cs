using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Sim.Cli;

/// <summary>Turns the parser's errors into the lines <c>sim</c> prints for malformed input: the most specific first,
/// with .NET type names replaced by what a user would type.</summary>
public static partial class ParseErrorMessages
{
    /// <summary>The error lines for <paramref name="result"/>, ending with where to find help.</summary>
    public static IReadOnlyList<string> Describe(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var messages = result.Errors.Select(e => Readable(e.Message)).Distinct().ToList();
        // "Required command was not provided" only restates that the unrecognised word was not a command.
        if (messages.Count > 1) messages.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
        var lines = messages.Select(m => $"sim: {m}").ToList();
        lines.Add($"see `{CommandPath(result)} --help`");
        return lines;
    }

    static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (var command = result.CommandResult; command != null; command = command.Parent as CommandResult)
            names.Insert(0, command.Command.Name);
        names[0] = "sim";
        return string.Join(' ', names);
    }

    static string Readable(string message) => ClrType().Replace(message, m => m.Groups["name"].Value switch
    {
        "Int32" or "Int64" => "an integer",
        "UInt64" => "a non-negative integer",
        "Double" or "Single" => "a number",
        "Boolean" => "true or false",
        _ => m.Groups["name"].Value,
    }).Replace(" as expected type ", ": expected ", StringComparison.Ordinal);

    [GeneratedRegex(@"'?System\.(?:Nullable`1\[System\.)?(?<name>Int32|Int64|UInt64|Double|Single|Boolean)\]?'?")]
    private static partial Regex ClrType();
}
