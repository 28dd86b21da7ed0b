using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Learning.Runs;
using static TorchSharp.torch;

namespace Sim.Alignment.Tests;

public sealed class SftTrainerTests
{
    // Every prompt is the same easy sentence and every completion one of two answers decided by the last prompt word,
    // so a model that trained on prompt tokens would learn to predict the prompt too.
    static (BpeTokenizer Tokenizer, List<TokenizedCompletion> Data) Dataset()
    {
        var tokenizer = TinyModels.Tokenizer();
        var data = new List<TokenizedCompletion>();
        for (int i = 0; i < 24; i++)
        {
            bool happy = i % 2 == 0;
            data.Add(new TokenizedCompletion(
                tokenizer.Encode($"review: the robot is {(happy ? "happy" : "sad")}."),
                tokenizer.Encode(happy ? " verdict: good" : " verdict: bad")));
        }
        return (tokenizer, data);
    }

    static SftConfig Config(int epochs = 2) => new()
    {
        Seed = 4, LearningRate = 3e-3, BatchSize = 8, Epochs = epochs, LogEvery = 1, EvalEvery = 3, CheckpointEvery = 3,
        Model = TinyModels.Config(context: 48),
    };

    // Mean NLL of the tokens in [from, to) of each packed sequence, computed from a full forward pass in double.
    static double MeanNll(CausalTransformer model, IReadOnlyList<TokenizedCompletion> data, Func<TokenizedCompletion, (int From, int To)> span)
    {
        using var noGrad = no_grad();
        double total = 0;
        int count = 0;
        foreach (var item in data)
        {
            var sequence = new[] { BpeTokenizer.BosId }.Concat(item.Prompt).Concat(item.Completion).Append(BpeTokenizer.EosId).ToArray();
            using var logits = model.forward(tensor(sequence.Select(t => (long)t).ToArray(), new long[] { 1, sequence.Length }));
            using var logProbs = logits.to_type(ScalarType.Float64).log_softmax(-1);
            var host = logProbs.data<double>().ToArray();
            var (from, to) = span(item);
            for (int t = from; t < to; t++)
            {
                total -= host[(t - 1) * model.Config.VocabularySize + sequence[t]];
                count++;
            }
        }
        return total / count;
    }

    [Fact]
    public void Sft_learns_the_completions_and_not_the_prompts()
    {
        var (tokenizer, data) = Dataset();
        var config = Config(epochs: 25);
        using var trainer = new SftTrainer(config, tokenizer, SftTrainer.CreateModel(config, tokenizer), data);
        // Prompt tokens after BOS, and completion tokens with EOS, as positions of the packed sequence.
        Func<TokenizedCompletion, (int, int)> prompt = item => (2, 1 + item.Prompt.Length);
        Func<TokenizedCompletion, (int, int)> completion = item => (1 + item.Prompt.Length, item.SequenceLength);
        double promptBefore = MeanNll(trainer.Model, data, prompt);
        double completionBefore = MeanNll(trainer.Model, data, completion);
        var sink = new ListSink();
        while (trainer.GlobalStep < trainer.TotalSteps) trainer.RunChunk(sink);
        double promptAfter = MeanNll(trainer.Model, data, prompt);
        double completionAfter = MeanNll(trainer.Model, data, completion);

        // The two completions differ only in their last word, decided by the prompt: a learned model is near certain.
        Assert.True(completionAfter < 0.1, $"completion NLL {completionBefore:F3} → {completionAfter:F3}");
        // Never trained on, the fixed prompt stays about as surprising as before (an untrained model gives ≈ ln V).
        Assert.True(promptAfter > 0.7 * promptBefore, $"prompt NLL {promptBefore:F3} → {promptAfter:F3}");
        // The logged loss is the completion NLL of the batch it trained on; the last one matches the independent figure.
        Assert.Equal(completionAfter, sink.Values("losses/sft")[^1], 0.05);
    }

    [Fact]
    public void A_run_cancelled_and_resumed_ends_with_the_weights_and_metrics_of_an_uninterrupted_run()
    {
        using var scratch = new ScratchDirectory();
        var (tokenizer, data) = Dataset();
        var config = Config();
        var eval = data.Take(4).ToList();

        string straightModel;
        using (var trainer = new SftTrainer(config, tokenizer, SftTrainer.CreateModel(config, tokenizer), data, eval))
        {
            var run = trainer.CreateRun(scratch.File("straight"), "toy");
            trainer.Train(run);
            straightModel = Path.Combine(run.Path, SftTrainer.ModelFileName);
            foreach (var file in new[] { RunDirectory.ConfigFileName, RunDirectory.MetricsFileName, RunDirectory.CurveFileName, SftTrainer.TokenizerFileName })
                Assert.True(File.Exists(Path.Combine(run.Path, file)), $"{file} missing");
            Assert.Equal(config, run.LoadConfig<SftConfig>());
        }

        RunDirectory interrupted;
        using (var trainer = new SftTrainer(config, tokenizer, SftTrainer.CreateModel(config, tokenizer), data, eval))
        {
            interrupted = trainer.CreateRun(scratch.File("interrupted"), "toy");
            using var cancel = new CancellationTokenSource();
            // Stops after step 4: between the checkpoints at 3 and 6, so the loop saves a final checkpoint at 4.
            trainer.Train(interrupted, cancel: cancel.Token, progress: p => { if (p.GlobalStep == 4) cancel.Cancel(); });
            Assert.Equal(4, trainer.GlobalStep);
        }
        using (var trainer = new SftTrainer(config, tokenizer, SftTrainer.CreateModel(config with { Seed = 99 }, tokenizer), data, eval))
        {
            // Fresh weights from another seed: everything that matters must come from the checkpoint.
            trainer.Train(interrupted, resume: true);
            Assert.Equal(trainer.TotalSteps, trainer.GlobalStep);
        }

        using var straight = LanguageModelFile.Load(straightModel, tokenizer);
        using var resumed = LanguageModelFile.Load(Path.Combine(interrupted.Path, SftTrainer.ModelFileName), tokenizer);
        foreach (var ((name, a), (_, b)) in straight.named_parameters().Zip(resumed.named_parameters()))
            Assert.True(a.allclose(b, rtol: 0, atol: 0), $"parameter {name} differs after resuming");

        static List<string> Rows(string path) => File.ReadAllLines(path).Skip(1).Select(l => string.Join(',', l.Split(',')[..3])).ToList();
        var straightRows = Rows(Path.Combine(Path.GetDirectoryName(straightModel)!, RunDirectory.MetricsFileName))
            .Where(r => !r.Contains("tokens_per_second")).ToList();
        var resumedRows = Rows(interrupted.MetricsPath).Where(r => !r.Contains("tokens_per_second")).ToList();
        Assert.Equal(straightRows, resumedRows);
    }

    [Fact]
    public void An_example_longer_than_the_context_is_refused_naming_it()
    {
        var (tokenizer, data) = Dataset();
        var config = Config() with { Model = TinyModels.Config(context: 12) };
        var error = Assert.Throws<ArgumentException>(() => new SftTrainer(config, tokenizer, SftTrainer.CreateModel(config, tokenizer), data));
        Assert.Contains("example 0", error.Message);
        Assert.Contains("context of 12", error.Message);
    }
}
