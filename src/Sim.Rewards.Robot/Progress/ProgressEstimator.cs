using Sim.Rewards.Ensembles;
using Sim.Rewards.Objectives;
using static TorchSharp.torch;

namespace Sim.Rewards.Robot.Progress;

/// <summary>The progress estimator of stepwise progress attribution (SPA-RL): a step network whose outputs c_t over an
/// episode's (obs, action) steps are trained to add up to the episode's outcome (a success bit or a delayed return).</summary>
/// <remarks>
/// It is the reward core's own machinery: a <see cref="RewardEnsemble"/> of <see cref="StepRewardEncoder"/> members
/// trained on the <see cref="SequenceSumObjective"/>, MSE(Σ_t c_t, R), over whole episodes packed by a
/// <see cref="SegmentCollator"/>. Each call of <see cref="Train"/> is one round over the episodes given, so the caller
/// can keep training as episodes arrive.
/// </remarks>
public sealed class ProgressEstimator : IDisposable
{
    readonly SegmentCollator _collator;
    readonly RewardEnsemble _ensemble;
    Tensor? _staging;
    int _stagingRows;

    /// <summary>An untrained estimator over steps shaped by <paramref name="encoder"/>, trained as <paramref name="training"/> says
    /// (its accuracy-based early stop never fires: the objective has no accuracy).</summary>
    public ProgressEstimator(StepEncoderConfig encoder, EnsembleConfig training, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(training);
        encoder.Validate();
        training.Validate();
        _collator = new SegmentCollator(encoder.ObservationSize, encoder.ActionSize);
        _ensemble = new RewardEnsemble(training, generator => new StepRewardEncoder(encoder, generator), device);
    }

    /// <summary>The members and their optimizers.</summary>
    public RewardEnsemble Ensemble => _ensemble;

    /// <summary>One training round on <paramref name="episodes"/> whose outcomes are <paramref name="outcomes"/>; the report's
    /// loss is the mean squared error of the contribution sums.</summary>
    /// <exception cref="ArgumentException">The counts differ, there are no episodes, or an outcome is not finite.</exception>
    public RewardTrainingReport Train(IReadOnlyList<Segment> episodes, IReadOnlyList<float> outcomes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(outcomes);
        using var data = ItemTargetDataset.Create(_collator, episodes, outcomes, _ensemble.Device);
        var objective = new SequenceSumObjective(data);
        return _ensemble.Train(objective);
    }

    /// <summary>The contribution c_t of every step of <paramref name="episode"/>, the mean over members.</summary>
    public float[] Contributions(Segment episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        using var scope = NewDisposeScope();
        var batch = _collator.Collate([episode], _ensemble.Device);
        var outputs = _ensemble.Outputs(batch);
        return outputs.mean([0L]).reshape(-1).cpu().data<float>().ToArray();
    }

    /// <summary>The contribution c_t of <paramref name="rows"/> separate steps at once (row i of
    /// <paramref name="observations"/> and <paramref name="actions"/>), the mean over members, written to
    /// <paramref name="contributions"/>: what a reward stage pays for a batch of transitions.</summary>
    public void StepContributions(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, Span<float> contributions)
    {
        int rows = contributions.Length;
        int obs = _collator.ObservationSize, act = _collator.ActionSize, width = obs + act;
        if (observations.Length != rows * obs || actions.Length != rows * act)
            throw new ArgumentException($"{observations.Length} observation and {actions.Length} action floats for {rows} steps: expected {rows} × {obs} and {rows} × {act}");
        if (rows == 0) return;
        // Rows are staged in memory reused while the row count stays the same, as the reward model stages its steps.
        if (_staging is null || _stagingRows != rows)
        {
            _staging?.Dispose();
            _staging = empty(new long[] { rows, width }, ScalarType.Float32, CPU).DetachFromDisposeScope();
            _stagingRows = rows;
        }
        var host = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_staging.bytes);
        for (int i = 0; i < rows; i++)
        {
            observations.Slice(i * obs, obs).CopyTo(host.Slice(i * width, obs));
            actions.Slice(i * act, act).CopyTo(host.Slice(i * width + obs, act));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var steps = _ensemble.Device.type == TorchSharp.DeviceType.CPU ? _staging : _staging.to(_ensemble.Device);
        var sum = zeros(rows, device: _ensemble.Device);
        foreach (var member in _ensemble.Members) sum = sum + ((IStepRewardNetwork)member).StepRewards(steps);
        (sum / _ensemble.MemberCount).cpu().data<float>().ToArray().CopyTo(contributions);
    }

    /// <summary>Releases the members and their optimizers.</summary>
    public void Dispose()
    {
        _staging?.Dispose();
        _ensemble.Dispose();
    }
}
