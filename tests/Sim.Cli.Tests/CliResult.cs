using System.Text;
using System.Text.RegularExpressions;

namespace Sim.Cli.Tests;

/// <summary>What one run of the <c>sim</c> tool did: its arguments, exit code and everything it printed.</summary>
internal sealed partial record CliResult(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>
    /// Standard output without escape sequences, whitespace or box-drawing characters. Tables are drawn 80 columns wide
    /// when the output is redirected, so a long path is wrapped across cell lines; in this form it reads as one string again.
    /// </summary>
    public string FlatStdout => Flatten(Stdout);

    /// <summary><paramref name="text"/> as <see cref="FlatStdout"/> compares it.</summary>
    public static string Flatten(string text)
    {
        var flat = new StringBuilder(text.Length);
        foreach (char c in EscapeSequence().Replace(text, ""))
            if (!char.IsWhiteSpace(c) && c is not (>= '\u2500' and <= '\u257F')) flat.Append(c);
        return flat.ToString();
    }

    /// <summary>The command line and its output, for assertion messages.</summary>
    public string Describe() =>
        $"`sim {string.Join(' ', Args)}` exited with {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    /// <summary>Asserts the tool succeeded without printing a stack trace.</summary>
    public void AssertSucceeded()
    {
        Assert.True(ExitCode == 0, Describe());
        AssertNoStackTrace();
    }

    /// <summary>
    /// Asserts the tool rejected its input the way bad input is reported: exit code 2 and a <c>sim: </c> message on
    /// standard error that contains every one of <paramref name="named"/> (the bad value, and what was expected), no trace.
    /// </summary>
    public void AssertBadInput(params string[] named)
    {
        Assert.True(ExitCode == 2, Describe());
        Assert.True(Stderr.StartsWith("sim: ", StringComparison.Ordinal), Describe());
        foreach (string part in named)
            Assert.True(Stderr.Contains(part, StringComparison.Ordinal), $"the message does not name '{part}'\n{Describe()}");
        AssertNoStackTrace();
    }

    void AssertNoStackTrace()
    {
        foreach (string output in new[] { Stdout, Stderr })
        {
            Assert.False(output.Contains("   at ", StringComparison.Ordinal), $"stack trace printed\n{Describe()}");
            Assert.False(output.Contains("Unhandled exception", StringComparison.Ordinal), $"unhandled exception\n{Describe()}");
        }
    }

    // CSI sequences (colours, cursor moves) and OSC 8 links, which a console that claims ANSI support may still get.
    [GeneratedRegex(@"\x1B\[[0-9;?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(\x07|\x1B\\)")]
    private static partial Regex EscapeSequence();
}
