using Sim.Alignment.Corpus;

namespace Sim.Alignment.Tests.Corpus;

/// <summary>Checks the JSON-lines datasets: round trips, TRL lines written by hand, and errors naming the line and field.</summary>
public sealed class TrlJsonlTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sim-alignment-jsonl-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteLines(params string[] lines)
    {
        string path = Path.Combine(_folder, $"data{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Fact]
    public void The_written_corpus_reads_back_unchanged()
    {
        var options = new CorpusOptions { Seed = 4, Completions = 20, Pairs = 30, HeldOutPairs = 10, LabelNoise = 0.25 };
        var paths = CorpusFolder.Write(_folder, options);
        Assert.Equal(CorpusGenerator.Completions(4, 20), TrlJsonl.ReadCompletions(paths[0]));
        var pairs = CorpusGenerator.Pairs(4, 30, 0.25, "train");
        Assert.Equal(pairs, TrlJsonl.ReadPreferences(paths[1]));
        Assert.Equal(CorpusGenerator.Pairs(4, 10, 0, "test"), TrlJsonl.ReadPreferences(paths[2]));
        Assert.Equal(CorpusGenerator.Unpair(pairs), TrlJsonl.ReadUnpaired(paths[3]));
        Assert.Equal(30, File.ReadAllLines(paths[1]).Length);
    }

    [Fact]
    public void Lines_in_TRL_format_are_read_with_extra_fields_ignored_and_blank_lines_skipped()
    {
        string path = WriteLines(
            """{"prompt": "Q: 2+2?", "chosen": " 4", "rejected": " 5", "source": "hand", "margin": 1.5}""",
            "",
            """{"chosen": "yes \"quoted\"", "rejected": "no", "prompt": ""}""");
        Assert.Equal([new PreferenceExample("Q: 2+2?", " 4", " 5", 1.5), new PreferenceExample("", "yes \"quoted\"", "no")], TrlJsonl.ReadPreferences(path));
        string unpaired = WriteLines("""{"prompt": "p", "completion": "c", "label": false}""");
        Assert.Equal([new UnpairedExample("p", "c", false)], TrlJsonl.ReadUnpaired(unpaired));
    }

    [Fact]
    public void A_malformed_line_is_named_by_its_number()
    {
        string path = WriteLines("""{"prompt": "a", "completion": "b"}""", """{"prompt": "a", "completion": """);
        var e = Assert.Throws<DatasetFormatException>(() => TrlJsonl.ReadCompletions(path));
        Assert.Equal(2, e.Line);
        Assert.Null(e.Field);
        Assert.StartsWith($"{path} line 2: is not valid JSON", e.Message);
    }

    [Fact]
    public void A_missing_or_mistyped_field_is_named()
    {
        var missing = Assert.Throws<DatasetFormatException>(() => TrlJsonl.ReadPreferences(WriteLines("""{"prompt": "a", "chosen": "b"}""")));
        Assert.Equal(("rejected", 1), (missing.Field, missing.Line));
        Assert.Contains("field \"rejected\" is missing", missing.Message);

        var mistyped = Assert.Throws<DatasetFormatException>(() => TrlJsonl.ReadCompletions(WriteLines("""{"prompt": "a", "completion": 3}""")));
        Assert.Equal("completion", mistyped.Field);
        Assert.Contains("is the number 3: expected a string", mistyped.Message);

        var label = Assert.Throws<DatasetFormatException>(() => TrlJsonl.ReadUnpaired(WriteLines("""{"prompt": "a", "completion": "b", "label": "yes"}""")));
        Assert.Equal("label", label.Field);

        var array = Assert.Throws<DatasetFormatException>(() => TrlJsonl.ReadPreferences(WriteLines("[1, 2]")));
        Assert.Contains("is an array: expected an object", array.Message);
    }

    [Fact]
    public void An_empty_completion_is_refused_naming_line_and_field()
    {
        string path = WriteLines("""{"prompt": "a", "chosen": "b", "rejected": "c"}""", """{"prompt": "a", "chosen": "b", "rejected": "  "}""");
        var e = Assert.Throws<DatasetFormatException>(() => TrlJsonl.ReadPreferences(path));
        Assert.Equal($"{path} line 2: field \"rejected\" is empty: a completion must have at least one non-space character", e.Message);
    }
}
