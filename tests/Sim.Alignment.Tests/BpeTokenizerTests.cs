using Sim.Alignment.Tokenization;

namespace Sim.Alignment.Tests;

public sealed class BpeTokenizerTests
{
    const int A = BpeTokenizer.FirstByteId + 'a';
    const int B = BpeTokenizer.FirstByteId + 'b';

    [Fact]
    public void Training_merges_the_most_frequent_pair_and_stops_when_no_pair_repeats()
    {
        // "aaab": (a,a) occurs twice and (a,b) once, so (a,a) is merged; after it "aa a b" has no pair occurring twice.
        var tokenizer = BpeTrainer.Train(["aaab"], 1000);
        Assert.Equal([(A, A)], tokenizer.Merges);
        Assert.Equal(BpeTokenizer.FirstMergeId + 1, tokenizer.VocabularySize);
        Assert.Equal([BpeTokenizer.FirstMergeId, A, B], tokenizer.Encode("aaab"));
    }

    [Fact]
    public void Encoding_round_trips_any_text_and_shortens_the_corpus_language()
    {
        var tokenizer = TinyModels.Tokenizer();
        foreach (var text in TinyModels.Corpus.Append("unseen wörds, 42 ✓ and  double  spaces\n"))
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        string line = TinyModels.Corpus[0];
        Assert.True(tokenizer.Encode(line).Length * 3 < line.Length, $"{tokenizer.Encode(line).Length} tokens for {line.Length} characters");
    }

    [Fact]
    public void A_saved_tokenizer_loads_with_the_same_identity_and_a_different_corpus_gives_another()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        tokenizer.Save(scratch.File("tokenizer.json"));
        var loaded = BpeTokenizer.Load(scratch.File("tokenizer.json"));
        Assert.Equal(tokenizer.Identity, loaded.Identity);
        Assert.Equal(tokenizer.Encode(TinyModels.Corpus[3]), loaded.Encode(TinyModels.Corpus[3]));
        Assert.NotEqual(tokenizer.Identity, BpeTrainer.Train(["entirely other words here"], 320).Identity);
    }

    [Fact]
    public void An_edited_tokenizer_file_is_refused_naming_the_file()
    {
        using var scratch = new ScratchDirectory();
        string path = scratch.File("tokenizer.json");
        TinyModels.Tokenizer().Save(path);
        string json = File.ReadAllText(path);
        // Swap the first merge's two ids: still well formed, but not the merges the identity was computed from.
        int start = json.IndexOf("[[", StringComparison.Ordinal) + 2;
        int comma = json.IndexOf(',', start);
        int end = json.IndexOf(']', comma);
        string swapped = json[..start] + json[(comma + 1)..end] + "," + json[start..comma] + json[end..];
        Assert.NotEqual(json, swapped);
        File.WriteAllText(path, swapped);
        var error = Assert.Throws<InvalidDataException>(() => BpeTokenizer.Load(path));
        Assert.Contains(path, error.Message);
    }
}
