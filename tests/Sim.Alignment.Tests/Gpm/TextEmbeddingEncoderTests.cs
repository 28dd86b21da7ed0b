using Sim.Alignment.Gpm;
using Sim.Alignment.Model;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests.Gpm;

/// <summary>Checks the GPM text encoder's centring: it shifts every embedding by the same vector, that vector is the
/// items' mean, and it is what turns the nearly parallel embeddings of a random start into ones that point every way.</summary>
public sealed class TextEmbeddingEncoderTests
{
    // Mean resultant length of the items' directions: 1 when all point the same way, near 0 when they spread round.
    private static double DirectionAgreement(Tensor embeddings)
    {
        using var unit = embeddings / embeddings.norm(1, keepdim: true);
        using var mean = unit.mean([0]);
        return mean.norm().item<float>();
    }

    [Fact]
    public void Centring_moves_the_mean_embedding_to_zero_and_spreads_the_directions()
    {
        var tokenizer = TinyModels.Tokenizer();
        var config = TinyModels.Config(tokenizer.VocabularySize);
        var items = TinyModels.Corpus.SelectMany(line => new[] { line, line + " and so on", "so " + line })
            .Select(line => new TokenizedCompletion(tokenizer.Encode("review :"), tokenizer.Encode(line))).ToList();
        using var generator = new Generator(5, CPU);
        using var encoder = new TextEmbeddingEncoder(config, 2, generator);
        var batch = new CompletionCollator(config.ContextLength).Collate(items, CPU);
        using var before = encoder.forward(batch.Inputs, batch.Mask).detach();
        using var expectedShift = before.mean([0]);

        encoder.CentreOn(batch);
        using var after = encoder.forward(batch.Inputs, batch.Mask).detach();

        // Every item moves by the same vector, minus the mean of the embeddings before.
        using var shift = before - after;
        for (int i = 0; i < items.Count; i++)
            for (int d = 0; d < 2; d++)
                Assert.Equal(expectedShift[d].item<float>(), shift[i, d].item<float>(), 4);
        using var meanAfter = after.mean([0]);
        Assert.True(meanAfter.abs().max().item<float>() < 1e-5, $"mean embedding after centring {meanAfter[0].item<float>()}, {meanAfter[1].item<float>()}: expected 0");
        double agreementBefore = DirectionAgreement(before), agreementAfter = DirectionAgreement(after);
        Assert.True(agreementBefore > 0.9, $"directions agree to {agreementBefore:F3} at a random start: expected nearly parallel embeddings (> 0.9)");
        Assert.True(agreementAfter < 0.5, $"directions agree to {agreementAfter:F3} after centring: expected them spread (< 0.5)");
        batch.Inputs.Dispose();
        batch.Mask.Dispose();
    }
}
