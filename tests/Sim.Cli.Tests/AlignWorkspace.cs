using System.Text.Json;

namespace Sim.Cli.Tests;

/// <summary>A working folder for the <c>sim align</c> tests: small TRL JSON-lines datasets, damaged ones, and two tiny
/// SFT runs trained on different text (so with different tokenizers).</summary>
public sealed class AlignWorkspace : IDisposable
{
    readonly TempDirectory _root = new();

    /// <summary>The tiny model shape every run here uses, so that a run takes seconds.</summary>
    public static readonly string[] TinyModel = ["--epochs", "1", "--batch-size", "16", "--context", "32", "--width", "16", "--layers", "1", "--heads", "2", "--vocab", "280"];

    /// <summary>Writes the datasets and trains the two runs.</summary>
    public AlignWorkspace()
    {
        Directory.CreateDirectory(WorkingDirectory);
        var moods = Enumerable.Range(0, 32).Select(i => i % 2 == 0 ? "happy" : "sad").ToList();
        WriteLines("sft.jsonl", moods.Select(m => Json(("prompt", $"review: the robot is {m}."), ("completion", m == "happy" ? " verdict: good" : " verdict: bad"))));
        WriteLines("other.jsonl", moods.Select(m => Json(("prompt", $"question: is the arm {m}?"), ("completion", m == "happy" ? " answer: yes" : " answer: no"))));
        WriteLines("prefs.jsonl", moods.Select(m => Json(("prompt", "review:"), ("chosen", $" the {m} robot was good"), ("rejected", $" the {m} robot was bad"))));
        WriteLines("malformed.jsonl", [Json(("prompt", "a"), ("completion", "b")), "{\"prompt\": \"a\", \"completion\": "]);
        WriteLines("empty-completion.jsonl", [Json(("prompt", "a"), ("completion", ""))]);
        WriteLines("missing-field.jsonl", [Json(("prompt", "a"), ("chosen", "b"))]);
        // Far longer than the runs' context of 32 tokens: a byte-level tokenizer never packs 300 characters into 30 tokens.
        string longText = string.Concat(Enumerable.Repeat(" the robot arm was very good", 10));
        WriteLines("long-prefs.jsonl", [Json(("prompt", "review:"), ("chosen", longText), ("rejected", " bad"))]);
        WriteLines("kto.jsonl", [JsonSerializer.Serialize(new { prompt = "review:", completion = " good", label = true }),
            JsonSerializer.Serialize(new { prompt = "review:", completion = longText, label = false })]);
        WriteLines("empty.jsonl", []);
        Run = Train("sft.jsonl", "runs");
        OtherRun = Train("other.jsonl", "other-runs");
    }

    /// <summary>Where the commands run.</summary>
    public string WorkingDirectory => Path.Combine(_root.Path, "work");

    /// <summary>The SFT run on sft.jsonl, relative to <see cref="WorkingDirectory"/>.</summary>
    public string Run { get; }

    /// <summary>The SFT run on other.jsonl, whose tokenizer differs.</summary>
    public string OtherRun { get; }

    string Train(string data, string runs)
    {
        SimCli.Run(WorkingDirectory, ["align", "sft", "--data", data, "--runs", runs, .. TinyModel]).AssertSucceeded();
        return Path.GetRelativePath(WorkingDirectory, Assert.Single(Directory.GetDirectories(Path.Combine(WorkingDirectory, runs))));
    }

    void WriteLines(string name, IEnumerable<string> lines) => File.WriteAllLines(Path.Combine(WorkingDirectory, name), lines);

    static string Json(params (string Key, string Value)[] fields) => JsonSerializer.Serialize(fields.ToDictionary(f => f.Key, f => f.Value));

    /// <inheritdoc/>
    public void Dispose() => _root.Dispose();
}
