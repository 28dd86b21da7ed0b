using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests;

/// <summary>Small corpora, tokenizers and randomly initialised models shared by the tests.</summary>
internal static class TinyModels
{
    /// <summary>A few lines of a toy language, enough for a tokenizer to learn its words.</summary>
    public static readonly string[] Corpus =
    [
        "the robot is happy and the arm is steady",
        "the robot is sad because the arm is broken",
        "a happy robot walks and a sad robot stops",
        "review: the walk was great. verdict: good",
        "review: the walk was awful. verdict: bad",
    ];

    public static BpeTokenizer Tokenizer() => BpeTrainer.Train(Corpus, 320);

    public static TransformerConfig Config(int vocabulary = 300, int context = 48) =>
        new() { VocabularySize = vocabulary, ContextLength = context, Width = 32, Layers = 2, Heads = 4 };

    public static CausalTransformer Model(TransformerConfig config, ulong seed = 3)
    {
        using var generator = new Generator(seed, CPU);
        return new CausalTransformer(config, generator);
    }

    /// <summary>Ids in [3, vocabulary) drawn from a fixed stream, so no special token appears by chance.</summary>
    public static int[] RandomIds(int count, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(BpeTokenizer.FirstByteId, vocabulary)).ToArray();
    }
}
