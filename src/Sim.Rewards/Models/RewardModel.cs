using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Losses;
using Sim.Rewards.Normalization;
using Sim.Rewards.Objectives;
using Sim.Rewards.Preferences;
using Sim.Rewards.Serialization;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Rewards.Models;

/// <summary>The reward model of any item kind: an ensemble of encoders, a collator that packs items for them, the
/// aggregation of member outputs, the normaliser and the model file. Robots and language models differ only in the
/// collator and encoder they plug in.</summary>
/// <remarks>Member outputs, uncertainties and preference probabilities are raw; <see cref="Score"/> is aggregated and
/// normalised. After each training round the member scales and then the normaliser are fitted on the unit the encoder
/// scores: positions for per-position encoders, items otherwise. Not thread-safe.</remarks>
public sealed class RewardModel<TItem> : IRewardModel<TItem>, IDisposable
{
    /// <summary>Pairs (or items) per forward pass when predicting or scoring, which bounds memory for large candidate pools.</summary>
    public const int PredictionChunk = 512;

    private static readonly JsonSerializerOptions JsonOptions = new() { Converters = { new JsonStringEnumConverter() } };
    private bool _disposed;

    /// <summary>Builds an untrained model of <paramref name="ensemble"/> members made by <paramref name="createMember"/>
    /// on <paramref name="device"/> (the CPU by default).</summary>
    public RewardModel(EnsembleConfig ensemble, Aggregation aggregation, RewardNormalization normalization,
        IItemCollator<TItem> collator, Func<Generator, RewardEncoder> createMember, Device? device = null)
        : this(ensemble, aggregation, normalization, collator, RewardEnsemble.OfEveryMember(createMember), device)
    {
    }

    /// <summary>Builds an untrained model of <paramref name="ensemble"/> members, member m made by
    /// <paramref name="createMember"/>(m, generator) so members may differ in shape, on <paramref name="device"/> (the CPU by default).</summary>
    public RewardModel(EnsembleConfig ensemble, Aggregation aggregation, RewardNormalization normalization,
        IItemCollator<TItem> collator, Func<int, Generator, RewardEncoder> createMember, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(aggregation);
        ArgumentNullException.ThrowIfNull(collator);
        aggregation.Validate(ensemble.Members);
        Aggregation = aggregation;
        Collator = collator;
        Normalizer = new RewardNormalizer(normalization);
        Ensemble = new RewardEnsemble(ensemble, createMember, device);
        Scales = MemberScales.Identity(ensemble.Members);
    }

    /// <summary>The members and their training.</summary>
    public RewardEnsemble Ensemble { get; }

    /// <summary>How member outputs combine into one.</summary>
    public Aggregation Aggregation { get; }

    /// <summary>The rescaling of the aggregated output.</summary>
    public RewardNormalizer Normalizer { get; }

    /// <summary>Each member's mean and standard deviation on the items of the last training round (identity before
    /// any), by which the worst case and mean − λ·var standardise the members.</summary>
    public MemberScales Scales { get; private set; }

    /// <summary>Packs items for the encoders.</summary>
    public IItemCollator<TItem> Collator { get; }

    /// <summary>Where the weights live.</summary>
    public Device Device => Ensemble.Device;

    /// <inheritdoc/>
    public int MemberCount => Ensemble.MemberCount;

    /// <summary>Trains one round on the pairwise preference objective over <paramref name="labels"/> (Skip pairs are
    /// ignored), reports loss and accuracy (on <paramref name="heldOut"/> too when it has trainable pairs), then refits
    /// <see cref="Scales"/> and <see cref="Normalizer"/> on the labelled items, the most recent inputs the model has seen.</summary>
    /// <exception cref="InvalidOperationException">When no label is Left, Right or Equal.</exception>
    public RewardTrainingReport Train(IReadOnlyList<LabeledPair<TItem>> labels, IReadOnlyList<LabeledPair<TItem>>? heldOut = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(labels);
        using var data = PreferenceDataset.FromLabels(Collator, labels, Device);
        using var held = heldOut is not null && heldOut.Any(l => PreferenceTargets.IsTrainable(l.Label))
            ? PreferenceDataset.FromLabels(Collator, heldOut, Device)
            : null;
        var report = Ensemble.Train(data, held);
        Calibrate(data.Left, data.Right);
        return report;
    }

    /// <summary>Fits <see cref="Scales"/> on every member's outputs for the training items of <paramref name="batches"/>
    /// (e.g. both sides of the pairs just trained on), then <see cref="Normalizer"/> on their aggregate under those scales.</summary>
    public void Calibrate(params ItemBatch[] batches)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Length == 0) throw new ArgumentException("no batches: expected the training items to fit the member scales on", nameof(batches));
        using var scope = NewDisposeScope();
        var outputs = batches.Select(batch => (Outputs: Ensemble.Outputs(batch), batch.Mask)).ToList();
        Scales = MemberScales.Fit(cat(outputs.Select(o => PerMemberValues(o.Outputs, o.Mask)).ToList(), 1));
        FitNormalizerOn(outputs);
    }

    /// <summary>Sets <see cref="Scales"/>, e.g. from a saved model or checkpoint.</summary>
    /// <exception cref="ArgumentException">When <paramref name="scales"/> does not hold one scale per member.</exception>
    public void SetScales(MemberScales scales)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(scales);
        scales.Validate(MemberCount);
        Scales = scales;
    }

    /// <summary>Member outputs <c>[K, …]</c> combined by <paramref name="aggregation"/> under this model's <see cref="Scales"/>, unnormalised.</summary>
    public Tensor Aggregate(Tensor perMember, Aggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(aggregation);
        return aggregation.Apply(perMember, Scales);
    }

    /// <inheritdoc/>
    public void Score(IReadOnlyList<TItem> items, Span<float> scores) => Score(items, scores, Aggregation);

    /// <summary>Like <see cref="Score(IReadOnlyList{TItem}, Span{float})"/> with the members combined by
    /// <paramref name="aggregation"/> instead of the model's own, so one trained ensemble can serve as several proxies
    /// (Coste et al.'s mean, worst case and mean − λ·var, or a single member).</summary>
    public void Score(IReadOnlyList<TItem> items, Span<float> scores, Aggregation aggregation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(aggregation);
        aggregation.Validate(MemberCount);
        ArgumentNullException.ThrowIfNull(items);
        if (scores.Length != items.Count)
            throw new ArgumentException($"scores has {scores.Length} values: expected one per item ({items.Count})", nameof(scores));
        for (int start = 0; start < items.Count; start += PredictionChunk)
        {
            int count = Math.Min(PredictionChunk, items.Count - start);
            using var scope = NewDisposeScope();
            var batch = Collator.Collate(ChunkedPairPrediction.Slice(items, start, count), Device);
            var normalized = Normalizer.Apply(Aggregate(Ensemble.Outputs(batch), aggregation));
            CopyToHost(ItemScores.Total(normalized, batch.Mask), scores.Slice(start, count));
        }
    }

    /// <inheritdoc/>
    public void PredictPreferences(IReadOnlyList<TItem> left, IReadOnlyList<TItem> right, Span<float> probabilities)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ChunkedPairPrediction.Predict(Collator, Device, MemberCount, left, right, probabilities, Ensemble.PreferenceProbabilities);
    }

    /// <summary>Saves <paramref name="config"/> (the world's definition of the model, as JSON), the normaliser and the
    /// member weights to <paramref name="path"/> atomically, marked as <paramref name="kind"/> (see <see cref="RewardModelFile"/>).</summary>
    public void Save<TConfig>(string path, string kind, TConfig config)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = new RewardModelState<TConfig>(config, Normalizer.Mean, Normalizer.Std, Normalizer.FittedCount, Ensemble.L2Coefficients.ToArray(), Scales);
        RewardModelFile.Write(path, kind, JsonSerializer.Serialize(state, JsonOptions), Ensemble.Members.ToArray<nn.Module>());
    }

    /// <summary>Loads a file written by <see cref="Save{TConfig}"/> with kind <paramref name="kind"/>: <paramref name="build"/>
    /// makes an untrained model from the saved config, and the weights, normaliser, member scales and L2 coefficients are
    /// restored into it. A file written before member scales were saved loads with identity scales (its members raw).</summary>
    /// <exception cref="RewardModelFormatException">When the file is missing, truncated, corrupt, of another version or kind, or inconsistent.</exception>
    public static TModel Load<TConfig, TModel>(string path, string kind, Func<TConfig, TModel> build, Func<TModel, RewardModel<TItem>> core)
        where TModel : class, IDisposable where TConfig : class
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(core);
        var contents = RewardModelFile.Read(path);
        if (contents.Kind != kind)
            throw new RewardModelFormatException(path, $"holds a '{contents.Kind}' model: expected '{kind}'");
        RewardModelState<TConfig>? state;
        try
        {
            state = JsonSerializer.Deserialize<RewardModelState<TConfig>>(contents.ConfigJson, JsonOptions);
        }
        // The member scales check their values as they are read, and say which one is wrong.
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new RewardModelFormatException(path, $"its config is not valid: {e.Message}", e);
        }
        if (state?.Config is null) throw new RewardModelFormatException(path, "its config is empty");
        TModel? model = default;
        try
        {
            model = build(state.Config);
            var inner = core(model);
            if (contents.Members.Count != inner.MemberCount)
                throw new RewardModelFormatException(path, $"has {contents.Members.Count} members but its config says {inner.MemberCount}");
            for (int m = 0; m < inner.MemberCount; m++) contents.LoadMember(m, inner.Ensemble.Members[m]);
            inner.Normalizer.Set(state.NormalizerMean, state.NormalizerStd, state.NormalizerCount);
            inner.Ensemble.SetL2Coefficients(state.L2Coefficients ?? []);
            var scales = state.MemberScales ?? MemberScales.Identity(inner.MemberCount);
            if (scales.Count != inner.MemberCount)
                throw new RewardModelFormatException(path,
                    $"its {nameof(state.MemberScales)} hold {scales.Count} members: expected one mean and standard deviation per ensemble member ({inner.MemberCount})");
            inner.SetScales(scales);
            return model;
        }
        catch (ArgumentException e)
        {
            model?.Dispose();
            throw new RewardModelFormatException(path, $"its config is not valid: {e.Message}", e);
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    // ---------------------------------------------------------------- helpers

    // The normaliser is fitted on the aggregate of the real positions (or items), in the order the outputs come.
    private void FitNormalizerOn(IReadOnlyList<(Tensor Outputs, Tensor Mask)> outputs)
    {
        var values = new List<Tensor>();
        foreach (var (perMember, mask) in outputs)
        {
            var aggregated = Aggregate(perMember, Aggregation);
            values.Add(aggregated.dim() == 2 ? aggregated.masked_select(mask.gt(OneHalf)) : aggregated);
        }
        Normalizer.Fit(cat(values));
    }

    // [K, values]: each member's outputs for the real positions (per-position encoders) or the items.
    private static Tensor PerMemberValues(Tensor perMember, Tensor mask) =>
        perMember.dim() == 2 ? perMember : perMember.masked_select(mask.gt(OneHalf)).reshape(perMember.shape[0], -1);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Ensemble.Dispose();
    }

    /// <summary>Copies <paramref name="values"/> to <paramref name="destination"/> as float32, which must hold exactly as many.</summary>
    public static void CopyToHost(Tensor values, Span<float> destination)
    {
        using var scope = NewDisposeScope();
        var host = values.to_type(ScalarType.Float32).cpu().contiguous();
        var floats = MemoryMarshal.Cast<byte, float>(host.bytes);
        if (floats.Length != destination.Length)
            throw new InvalidOperationException($"the model produced {floats.Length} values for {destination.Length} outputs");
        floats.CopyTo(destination);
    }
}
