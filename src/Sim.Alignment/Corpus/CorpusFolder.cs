namespace Sim.Alignment.Corpus;

/// <summary>The files of a synthetic corpus, written side by side: SFT lines, training and held-out preference pairs,
/// and the training pairs unpaired for KTO.</summary>
public static class CorpusFolder
{
    /// <summary>Prompt–completion lines of the base language.</summary>
    public const string CompletionsFile = "sft.jsonl";

    /// <summary>Training pairs, with the corpus's label noise.</summary>
    public const string PreferencesFile = "preferences.jsonl";

    /// <summary>Held-out pairs, labelled by the gold reward without noise.</summary>
    public const string HeldOutPreferencesFile = "preferences_test.jsonl";

    /// <summary>The training pairs as unpaired desirable/undesirable lines.</summary>
    public const string UnpairedFile = "kto.jsonl";

    /// <summary>Writes the four files of <paramref name="options"/> into <paramref name="folder"/> (created when missing)
    /// and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, CorpusOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(folder);
        var pairs = CorpusGenerator.Pairs(options.Seed, options.Pairs, options.LabelNoise, "train");
        var paths = new[] { CompletionsFile, PreferencesFile, HeldOutPreferencesFile, UnpairedFile }.Select(f => Path.Combine(folder, f)).ToArray();
        TrlJsonl.WriteCompletions(paths[0], CorpusGenerator.Completions(options.Seed, options.Completions));
        TrlJsonl.WritePreferences(paths[1], pairs);
        TrlJsonl.WritePreferences(paths[2], CorpusGenerator.Pairs(options.Seed, options.HeldOutPairs, 0, "test"));
        TrlJsonl.WriteUnpaired(paths[3], CorpusGenerator.Unpair(pairs));
        return paths;
    }
}
