using Sim.Rewards.Ensembles;
using Sim.Rewards.Losses;
using Sim.Rewards.Objectives;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Models;

/// <summary>A general preference model of any item kind: an ensemble of encoders that embed items to <c>[batch, 2k]</c>,
/// trained with <see cref="GeneralPreferenceObjective"/>, predicting P(left ≻ right) = σ(⟨R v_left, v_right⟩/τ) per
/// member. It ranks pairs (so query samplers can use it) but gives no per-item reward: cyclic preferences have none.</summary>
/// <remarks>The members, their optimizers, sampling and early stopping are the reward core's <see cref="RewardEnsemble"/>;
/// only the objective and the prediction differ from <see cref="RewardModel{TItem}"/>. Not thread-safe.</remarks>
public sealed class GeneralPreferenceModel<TItem> : IPreferencePredictor<TItem>, IDisposable
{
    /// <summary>Builds an untrained model of <paramref name="ensemble"/> members made by <paramref name="createMember"/>, with
    /// temperature <paramref name="temperature"/>, on <paramref name="device"/> (the CPU by default).</summary>
    public GeneralPreferenceModel(EnsembleConfig ensemble, IItemCollator<TItem> collator, Func<Generator, RewardEncoder> createMember,
        double temperature, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(collator);
        GeneralPreferenceLoss.CheckTemperature(temperature);
        Collator = collator;
        Temperature = temperature;
        Ensemble = new RewardEnsemble(ensemble, createMember, device);
    }

    /// <summary>The members and their training.</summary>
    public RewardEnsemble Ensemble { get; }

    /// <summary>Packs items for the encoders.</summary>
    public IItemCollator<TItem> Collator { get; }

    /// <summary>τ of P̂ = σ(s/τ).</summary>
    public double Temperature { get; }

    /// <inheritdoc/>
    public int MemberCount => Ensemble.MemberCount;

    /// <summary>Trains one round on <paramref name="labels"/> (Skip pairs are ignored) and reports loss and accuracy, on
    /// <paramref name="heldOut"/> too when it has trainable pairs.</summary>
    /// <exception cref="InvalidOperationException">When no label is Left, Right or Equal.</exception>
    public RewardTrainingReport Train(IReadOnlyList<LabeledPair<TItem>> labels, IReadOnlyList<LabeledPair<TItem>>? heldOut = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var data = PreferenceDataset.FromLabels(Collator, labels, Ensemble.Device);
        using var held = heldOut is not null && heldOut.Any(l => PreferenceTargets.IsTrainable(l.Label))
            ? PreferenceDataset.FromLabels(Collator, heldOut, Ensemble.Device)
            : null;
        return Ensemble.Train(new GeneralPreferenceObjective(data, Temperature), held is null ? null : new GeneralPreferenceObjective(held, Temperature));
    }

    /// <inheritdoc/>
    public void PredictPreferences(IReadOnlyList<TItem> left, IReadOnlyList<TItem> right, Span<float> probabilities)
    {
        ChunkedPairPrediction.Predict(Collator, Ensemble.Device, MemberCount, left, right, probabilities, (leftBatch, rightBatch) =>
        {
            var leftOutputs = Ensemble.Outputs(leftBatch);
            var rightOutputs = Ensemble.Outputs(rightBatch);
            var perMember = new Tensor[MemberCount];
            for (int m = 0; m < MemberCount; m++)
                perMember[m] = GeneralPreferenceLoss.Probability(leftOutputs[m], rightOutputs[m], Temperature);
            return stack(perMember);
        });
    }

    public void Dispose() => Ensemble.Dispose();
}
