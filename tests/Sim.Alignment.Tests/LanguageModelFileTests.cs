using Sim.Alignment.Model;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests;

public sealed class LanguageModelFileTests
{
    [Fact]
    public void A_saved_model_loads_with_its_tokenizer_and_computes_the_same_logits()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var config = TinyModels.Config(tokenizer.VocabularySize);
        using var model = TinyModels.Model(config, seed: 9);
        LanguageModelFile.Save(scratch.File("model.bin"), model, tokenizer);
        using var loaded = LanguageModelFile.Load(scratch.File("model.bin"), tokenizer);
        Assert.Equal(config, loaded.Config);
        using var noGrad = no_grad();
        using var ids = tensor(tokenizer.Encode(TinyModels.Corpus[1]).Select(t => (long)t).ToArray()).unsqueeze(0);
        using var before = model.forward(ids);
        using var after = loaded.forward(ids);
        Assert.Equal(0f, (before - after).abs().max().item<float>());
    }

    [Fact]
    public void Loading_with_another_runs_tokenizer_is_refused_naming_both_identities()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        var other = Tokenization.BpeTrainer.Train(["some other run's corpus of words"], tokenizer.VocabularySize);
        using var model = TinyModels.Model(TinyModels.Config(tokenizer.VocabularySize));
        LanguageModelFile.Save(scratch.File("model.bin"), model, tokenizer);
        var error = Assert.Throws<InvalidDataException>(() => LanguageModelFile.Load(scratch.File("model.bin"), other));
        Assert.Contains(tokenizer.Identity, error.Message);
        Assert.Contains(other.Identity, error.Message);
        Assert.Contains("model.bin", error.Message);
    }

    [Fact]
    public void A_damaged_model_file_is_refused()
    {
        using var scratch = new ScratchDirectory();
        var tokenizer = TinyModels.Tokenizer();
        using var model = TinyModels.Model(TinyModels.Config(tokenizer.VocabularySize));
        string path = scratch.File("model.bin");
        LanguageModelFile.Save(path, model, tokenizer);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => LanguageModelFile.Load(path, tokenizer));
        Assert.Contains("damaged", error.Message);
    }
}
