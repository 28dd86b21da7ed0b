using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Alignment.Training;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Torch.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Alignment.Policy;

/// <summary>A trainer of one language model with one Adam optimiser (DPO, KTO): owns the model, the optimiser step with
/// gradient clipping, the checkpoint parts and the <c>model.bin</c> it writes.</summary>
public abstract class PolicyTrainer<TConfig> : AlignmentTrainer<TConfig> where TConfig : AlignmentConfig
{
    /// <summary>The trained model's file in a run folder.</summary>
    public const string ModelFileName = "model.bin";

    private readonly Adam _optimizer;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;

    /// <summary>Moves <paramref name="policy"/> to the config's device and builds its optimiser.</summary>
    /// <exception cref="ArgumentException">The policy reads another vocabulary than the tokenizer's.</exception>
    protected PolicyTrainer(TConfig config, BpeTokenizer tokenizer, CausalTransformer policy) : base(config, tokenizer)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Config.VocabularySize != tokenizer.VocabularySize)
            throw new ArgumentException($"the policy reads {policy.Config.VocabularySize} ids but the tokenizer has {tokenizer.VocabularySize}: expected the model built for this tokenizer", nameof(policy));
        Policy = policy;
        Policy.to(Device);
        _parameters = Policy.parameters().ToArray();
        _optimizer = new Adam(_parameters, lr: config.LearningRate);
    }

    /// <summary>The model being trained.</summary>
    public CausalTransformer Policy { get; }

    /// <summary>Backpropagates <paramref name="loss"/>, clips the gradients to <see cref="AlignmentConfig.MaxGradNorm"/> and steps.</summary>
    protected void Optimize(Tensor loss)
    {
        _optimizer.zero_grad();
        loss.backward();
        GradientClipping.ClipByGlobalNorm(_parameters, Config.MaxGradNorm);
        _optimizer.step();
    }

    /// <inheritdoc/>
    protected override void SaveState(CheckpointContents contents)
    {
        contents.AddModule("model", Policy);
        contents.AddOptimizer("optimizer", _optimizer);
    }

    /// <inheritdoc/>
    protected override void LoadState(Checkpoint checkpoint)
    {
        checkpoint.LoadModule("model", Policy);
        checkpoint.LoadOptimizer("optimizer", _optimizer);
    }

    /// <inheritdoc/>
    public override void SaveOutputs(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        LanguageModelFile.Save(Path.Combine(run.Path, ModelFileName), Policy, Tokenizer);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _optimizer.Dispose();
        Policy.Dispose();
    }
}
