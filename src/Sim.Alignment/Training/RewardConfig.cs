using Sim.Alignment.Model;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Normalization;

namespace Sim.Alignment.Training;

/// <summary>A text reward model trained on preference pairs (TRL's <c>RewardConfig</c>) through the shared reward core:
/// an ensemble of transformer encoders, Bradley–Terry with an optional margin, aggregation and normalisation.</summary>
/// <remarks>A step of this trainer is one epoch of every member, so <see cref="AlignmentConfig.LogEvery"/>,
/// <see cref="AlignmentConfig.EvalEvery"/> and <see cref="AlignmentConfig.CheckpointEvery"/> count epochs.</remarks>
public sealed record RewardConfig : AlignmentConfig
{
    /// <summary>A reward config with per-epoch logging, evaluation and checkpoints.</summary>
    public RewardConfig()
    {
        LogEvery = 1;
        EvalEvery = 1;
        CheckpointEvery = 1;
        LearningRate = 3e-4;
    }

    /// <summary>The encoders' transformer; its vocabulary size is set from the tokenizer. With <see cref="InitFrom"/> the
    /// shape comes from that model.</summary>
    public TransformerConfig Model { get; init; } = new() { Width = 64, Layers = 2 };

    /// <summary>One transformer per member, for an ensemble whose members differ in architecture (width, depth, heads),
    /// or null for every member to be <see cref="Model"/>. Each must have <see cref="Model"/>'s context length; the
    /// vocabulary size is set from the tokenizer. Not with <see cref="InitFrom"/>, whose shape every member takes.</summary>
    public IReadOnlyList<TransformerConfig>? MemberModels { get; init; }

    /// <summary>An SFT <c>model.bin</c> every member's trunk starts from (TRL starts reward models from the SFT model), or null for fresh weights.</summary>
    public string? InitFrom { get; init; }

    /// <summary>One SFT <c>model.bin</c> per member, each member's trunk starting from its own (a pretrain ensemble, as
    /// Eisenstein et al. call members that differ in pretraining and not only in fine-tuning), or null. Each member
    /// takes its model's shape; the models must share the run's tokenizer and one context length. Not with
    /// <see cref="InitFrom"/> (one start for all: a fine-tune ensemble) or <see cref="MemberModels"/>.</summary>
    public IReadOnlyList<string>? MemberInitFrom { get; init; }

    /// <summary>Ensemble members K (Coste et al. use 5; 1 is a single reward model).</summary>
    public int Members { get; init; } = 1;

    /// <summary>How each member draws its pairs.</summary>
    public MemberSampling Sampling { get; init; } = MemberSampling.Shuffle;

    /// <summary>m in −log σ(r_c − r_r − m): the chosen completion must win by this much (TRL's <c>margin</c>, here one for all pairs).</summary>
    public double Margin { get; init; }

    /// <summary>c in + c·(r_c + r_r)²: pulls each pair's scores towards zero so the model's output is centred without a
    /// normalisation pass (TRL's <c>center_rewards_coefficient</c>, Eisenstein et al. use 0.01); 0 turns it off.</summary>
    public double Centering { get; init; }

    /// <summary>How member scores combine: mean, worst case (WCO) or mean − λ·var (UWO).</summary>
    public Aggregation Aggregation { get; init; } = Aggregation.Mean;

    /// <summary>How the aggregated score is rescaled, fitted on the training completions at the end.</summary>
    public RewardNormalization Normalization { get; init; } = RewardNormalization.Standardize;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        ArgumentNullException.ThrowIfNull(Model);
        ArgumentNullException.ThrowIfNull(Aggregation);
        if (Members < 1) throw new ArgumentOutOfRangeException(nameof(Members), Members, $"Members = {Members}: expected at least 1");
        if (!(Margin >= 0 && double.IsFinite(Margin))) throw new ArgumentOutOfRangeException(nameof(Margin), Margin, $"Margin = {Margin}: expected a finite margin ≥ 0");
        if (!(Centering >= 0 && double.IsFinite(Centering))) throw new ArgumentOutOfRangeException(nameof(Centering), Centering, $"Centering = {Centering}: expected a finite coefficient ≥ 0");
        Aggregation.Validate(Members);
        if (MemberInitFrom is not null)
        {
            if (InitFrom is not null)
                throw new ArgumentException($"{nameof(MemberInitFrom)} and {nameof(InitFrom)} are both set: give one SFT model for every member or one per member", nameof(MemberInitFrom));
            if (MemberModels is not null)
                throw new ArgumentException($"{nameof(MemberInitFrom)} and {nameof(MemberModels)} are both set: members that start from SFT models take those models' shapes", nameof(MemberInitFrom));
            if (MemberInitFrom.Count != Members)
                throw new ArgumentOutOfRangeException(nameof(MemberInitFrom), MemberInitFrom.Count, $"{nameof(MemberInitFrom)} holds {MemberInitFrom.Count} models: expected one per member ({Members})");
            for (int m = 0; m < MemberInitFrom.Count; m++)
                if (string.IsNullOrWhiteSpace(MemberInitFrom[m]))
                    throw new ArgumentException($"{nameof(MemberInitFrom)}[{m}] is empty: expected the path of an SFT model.bin", nameof(MemberInitFrom));
        }
        if (MemberModels is null) return;
        if (InitFrom is not null)
            throw new ArgumentException($"{nameof(MemberModels)} and {nameof(InitFrom)} are both set: members that start from one SFT model all take its shape", nameof(MemberModels));
        if (MemberModels.Count != Members)
            throw new ArgumentOutOfRangeException(nameof(MemberModels), MemberModels.Count, $"{nameof(MemberModels)} holds {MemberModels.Count} shapes: expected one per member ({Members})");
        for (int m = 0; m < MemberModels.Count; m++)
        {
            var shape = MemberModels[m] ?? throw new ArgumentException($"{nameof(MemberModels)}[{m}] is null: expected a transformer shape", nameof(MemberModels));
            if (shape.ContextLength != Model.ContextLength)
                throw new ArgumentOutOfRangeException(nameof(MemberModels), shape.ContextLength,
                    $"{nameof(MemberModels)}[{m}] has context length {shape.ContextLength}: expected the model's {Model.ContextLength}, which the collator packs for");
        }
    }
}
