using Sim.Alignment.Corpus;
using Sim.Alignment.Kto;
using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;

namespace Sim.Cli.Commands.Align;

/// <summary>Reads TRL JSON-lines datasets (through <see cref="TrlJsonl"/>) and encodes them, refusing any example longer
/// than the model's context by its file and line, before a run folder is made.</summary>
public static class TokenizedDataset
{
    /// <summary>The texts of a dataset's rows, for learning a tokenizer.</summary>
    public static IEnumerable<string> Texts(string path, bool preferences) => preferences
        ? TrlJsonl.ReadPreferences(path).SelectMany(e => new[] { e.Prompt, e.Chosen, e.Rejected })
        : TrlJsonl.ReadCompletions(path).SelectMany(e => new[] { e.Prompt, e.Completion });

    /// <summary>The <c>{"prompt","completion"}</c> rows of <paramref name="path"/>, encoded.</summary>
    public static List<TokenizedCompletion> ReadCompletions(string path, BpeTokenizer tokenizer, int context) =>
        TrlJsonl.ReadNumberedCompletions(path).ConvertAll(row =>
        {
            var item = new TokenizedCompletion(tokenizer.Encode(row.Example.Prompt), tokenizer.Encode(row.Example.Completion));
            Fit(path, row.Line, item, context, "");
            return item;
        });

    /// <summary>The <c>{"prompt","chosen","rejected"}</c> rows of <paramref name="path"/>, encoded.</summary>
    public static List<TokenizedPreference> ReadPreferences(string path, BpeTokenizer tokenizer, int context) =>
        TrlJsonl.ReadNumberedPreferences(path).ConvertAll(row =>
        {
            var pair = new TokenizedPreference(tokenizer.Encode(row.Example.Prompt), tokenizer.Encode(row.Example.Chosen), tokenizer.Encode(row.Example.Rejected));
            Fit(path, row.Line, pair.ChosenItem, context, " (chosen)");
            Fit(path, row.Line, pair.RejectedItem, context, " (rejected)");
            return pair;
        });

    /// <summary>The <c>{"prompt","completion","label"}</c> rows of <paramref name="path"/>, encoded.</summary>
    public static List<TokenizedUnpaired> ReadUnpaired(string path, BpeTokenizer tokenizer, int context) =>
        TrlJsonl.ReadNumberedUnpaired(path).ConvertAll(row =>
        {
            var example = new TokenizedUnpaired(tokenizer.Encode(row.Example.Prompt), tokenizer.Encode(row.Example.Completion), row.Example.Label);
            Fit(path, row.Line, example.Item, context, "");
            return example;
        });

    static void Fit(string path, int line, TokenizedCompletion item, int context, string side)
    {
        if (item.SequenceLength > context)
            throw new ArgumentException(
                $"dataset '{Path.GetFullPath(path)}' line {line}{side}: prompt of {item.Prompt.Length} tokens + completion of {item.Completion.Length} tokens + BOS and EOS = {item.SequenceLength} tokens: longer than the context of {context} (raise --context or shorten the example)");
    }
}
