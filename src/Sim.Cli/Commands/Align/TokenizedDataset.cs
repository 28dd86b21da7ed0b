using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;

namespace Sim.Cli.Commands.Align;

/// <summary>Reads TRL JSON-lines datasets and encodes them, refusing any example longer than the model's context by its
/// file and line, before a run folder is made.</summary>
public static class TokenizedDataset
{
    static readonly string[] CompletionFields = ["prompt", "completion"];
    static readonly string[] PreferenceFields = ["prompt", "chosen", "rejected"];
    static readonly HashSet<string> Completions = ["completion", "chosen", "rejected"];

    /// <summary>The texts of a dataset's rows, for learning a tokenizer.</summary>
    public static IEnumerable<string> Texts(string path, bool preferences) =>
        JsonlFields.Read(path, preferences ? PreferenceFields : CompletionFields, Completions).SelectMany(r => r.Values);

    /// <summary>The <c>{"prompt","completion"}</c> rows of <paramref name="path"/>, encoded.</summary>
    public static List<TokenizedCompletion> ReadCompletions(string path, BpeTokenizer tokenizer, int context) =>
        JsonlFields.Read(path, CompletionFields, Completions).Select(row =>
        {
            var item = new TokenizedCompletion(tokenizer.Encode(row.Values[0]), tokenizer.Encode(row.Values[1]));
            Fit(path, row.Line, item, context, "");
            return item;
        }).ToList();

    /// <summary>The <c>{"prompt","chosen","rejected"}</c> rows of <paramref name="path"/>, encoded.</summary>
    public static List<TokenizedPreference> ReadPreferences(string path, BpeTokenizer tokenizer, int context) =>
        JsonlFields.Read(path, PreferenceFields, Completions).Select(row =>
        {
            var pair = new TokenizedPreference(tokenizer.Encode(row.Values[0]), tokenizer.Encode(row.Values[1]), tokenizer.Encode(row.Values[2]));
            Fit(path, row.Line, pair.ChosenItem, context, " (chosen)");
            Fit(path, row.Line, pair.RejectedItem, context, " (rejected)");
            return pair;
        }).ToList();

    static void Fit(string path, int line, TokenizedCompletion item, int context, string side)
    {
        if (item.SequenceLength > context)
            throw new ArgumentException(
                $"dataset '{Path.GetFullPath(path)}' line {line}{side}: prompt of {item.Prompt.Length} tokens + completion of {item.Completion.Length} tokens + BOS and EOS = {item.SequenceLength} tokens: longer than the context of {context} (raise --context or shorten the example)");
    }
}
