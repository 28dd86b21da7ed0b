using System.Diagnostics;
using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Foundation;
using Sim.Learning.Modules;
using Sim.Learning.Rollouts;
using Sim.Learning.Training;
using Sim.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Ppo;

/// <summary>Trains an <see cref="ActorCritic"/> on a vector env with PPO, as CleanRL's <c>ppo_continuous_action</c> / <c>ppo</c> do.</summary>
/// <remarks>
/// <para>The env must use <see cref="AutoresetMode.SameStep"/>: the observation after a step is then always the one
/// the next action is taken in, and truncated episodes are bootstrapped from
/// <see cref="IVectorEnv.FinalObservations"/> (see <see cref="Gae"/>).</para>
/// <para>All tensors live on <see cref="Device"/>. Each vector step makes one host→device copy (observations, final
/// observations, rewards and end flags packed together) and one device→host copy (the actions); nothing is read
/// back inside the minibatch loop. Episode returns come from the info columns of a <see cref="RecordEpisodeStatistics"/>
/// in the env chain (stack it inside any reward normalisation so that they are the env's own returns); without one,
/// the episode metrics are NaN.</para>
/// <para>Randomness (initial weights, action sampling, minibatch order) comes from generators owned by the
/// trainer and seeded from <see cref="PpoConfig.Seed"/>, and the env is reset with the same seed, so a run is
/// reproducible whatever other torch code runs in the process. Use a trainer from one thread.</para>
/// </remarks>
public sealed partial class PpoTrainer : ITrainer
{
    private readonly IVectorEnv _env;
    private readonly ActorCritic _agent;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Adam _optimizer;
    private readonly RolloutBuffer _buffer;
    private readonly Generator _initGenerator;
    private readonly Generator _generator;
    // Episodes that ended, read from a RecordEpisodeStatistics in the env chain (none when there is no such wrapper).
    private readonly EpisodeEndReader _episodes;
    private readonly int _observationSize;
    private readonly int _actionSize;

    // Host side of the per-step transfer: [next obs E×O | final obs E×O | reward E | terminated E | truncated E].
    private readonly float[] _stage;
    private readonly Tensor _stageHost;
    private readonly Tensor _stageDevice;
    private readonly Tensor _stagedObservations;
    private readonly Tensor _stagedFinalObservations;
    private readonly Tensor _stagedRewards;
    private readonly Tensor _stagedTerminated;
    private readonly Tensor _stagedTruncated;
    private readonly float[] _hostActions;

    private readonly Tensor _nextObservations;
    private readonly Tensor _zeroValues;
    // [policy loss, value loss, entropy, old approx KL, approx KL, clip fraction sum, explained variance]
    private readonly Tensor _updateStats;
    private readonly List<Tensor> _owned = new();

    private readonly Stopwatch _clock = new();
    private long _stepsThisRun;
    private int _minibatchesDone;
    private bool _disposed;

    /// <summary>Builds the agent for <paramref name="env"/>'s spaces and resets the env with <see cref="PpoConfig.Seed"/>.</summary>
    public PpoTrainer(IVectorEnv env, PpoConfig config)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (env.NumEnvs != config.NumEnvs)
            throw new ArgumentException($"env has {env.NumEnvs} envs but config.NumEnvs = {config.NumEnvs}: they must match", nameof(env));
        if (env.AutoresetMode != AutoresetMode.SameStep)
            throw new ArgumentException($"env autoreset mode is {env.AutoresetMode}: PPO needs {nameof(AutoresetMode.SameStep)} " +
                "(build the env with new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep })", nameof(env));

        _env = env;
        Config = config;
        Device = TorchDevice.Parse(config.Device);
        if (config.TorchThreads is int threads) set_num_threads(threads);
        _observationSize = env.SingleObservationSpace.FlatSize;
        int numEnvs = env.NumEnvs;

        _initGenerator = new Generator(config.Seed, CPU);
        _generator = new Generator(SeedDerivation.Derive(config.Seed, "policy-sampling"), Device);
        _agent = ActorCritic.ForSpaces(env.SingleObservationSpace, env.SingleActionSpace, config.HiddenSize, config.InitialLogStd, _initGenerator);
        _agent.to(Device);
        _actionSize = _agent.ActionSize;
        _parameters = _agent.parameters().ToList();
        _optimizer = new Sim.Torch.Optimizers.Adam(_parameters, config.LearningRate, eps: config.AdamEpsilon);
        _buffer = new RolloutBuffer(config.NumSteps, numEnvs, _observationSize, _actionSize, Device);
        _episodes = new EpisodeEndReader(env);

        int obsFloats = numEnvs * _observationSize;
        _stage = new float[2 * obsFloats + 3 * numEnvs];
        var stageHost = empty(_stage.Length, ScalarType.Float32, CPU);
        bool onCpu = Device.type == DeviceType.CPU;
        // Pinned host memory lets the copy to a GPU be asynchronous; on the CPU the staged tensor is used directly.
        _stageHost = Own(onCpu ? stageHost : stageHost.pin_memory());
        if (!onCpu) stageHost.Dispose();
        _stageDevice = onCpu ? _stageHost : Own(empty(_stage.Length, ScalarType.Float32, Device));
        _stagedObservations = StageView(0, numEnvs, _observationSize);
        _stagedFinalObservations = StageView(obsFloats, numEnvs, _observationSize);
        _stagedRewards = StageView(2 * obsFloats, numEnvs);
        _stagedTerminated = StageView(2 * obsFloats + numEnvs, numEnvs);
        _stagedTruncated = StageView(2 * obsFloats + 2 * numEnvs, numEnvs);
        _hostActions = new float[numEnvs * _actionSize];

        _nextObservations = Own(zeros(new long[] { numEnvs, _observationSize }, ScalarType.Float32, Device));
        _zeroValues = Own(zeros(numEnvs, ScalarType.Float32, Device));
        _updateStats = Own(zeros(7, ScalarType.Float32, Device));

        _env.Reset(config.Seed);
        UploadObservations();
    }

    /// <summary>The run's hyperparameters.</summary>
    public PpoConfig Config { get; }

    /// <summary>Where every tensor of the run lives.</summary>
    public Device Device { get; }

    /// <summary>The policy and value networks being trained.</summary>
    public ActorCritic Agent => _agent;

    /// <summary>The storage of the last rollout, with its advantages and returns; read it between iterations.</summary>
    public RolloutBuffer Rollout => _buffer;

    /// <summary>Iterations completed so far.</summary>
    public int Iteration { get; private set; }

    /// <summary>Env steps taken so far, summed over envs.</summary>
    public long GlobalStep { get; private set; }

    /// <inheritdoc/>
    public TrainingPhaseTimes Phases { get; } = new();

    /// <summary>Raised after every iteration with its metrics; loggers subscribe here.</summary>
    public event Action<PpoIterationMetrics>? IterationCompleted;

    /// <summary>Raised for every episode that ends during a rollout (needs an episode statistics wrapper in the env chain).</summary>
    public event Action<EpisodeEnd>? EpisodeCompleted;

    /// <summary>Runs the remaining iterations up to <see cref="PpoConfig.NumIterations"/>.</summary>
    public void Train()
    {
        while (Iteration < Config.NumIterations) RunIteration();
    }

    /// <summary>Collects one rollout, learns from it, and returns (and raises) the iteration's metrics.</summary>
    /// <remarks>May run past <see cref="PpoConfig.NumIterations"/>; the annealed learning rate then stays at its last value.</remarks>
    public PpoIterationMetrics RunIteration()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _clock.Start();
        int iteration = Iteration + 1;
        double learningRate = LearningRateAt(iteration);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = learningRate;

        var episodes = CollectRollout();
        long updateStart = TrainingPhaseTimes.Start();
        UpdatePolicy();
        var stats = ReadUpdateStats();
        Phases.AddUpdate(updateStart);
        _clock.Stop();

        Iteration = iteration;
        var metrics = new PpoIterationMetrics
        {
            Iteration = iteration,
            GlobalStep = GlobalStep,
            LearningRate = learningRate,
            EpisodeCount = episodes.Count,
            EpisodicReturn = episodes.Count > 0 ? episodes.ReturnSum / episodes.Count : double.NaN,
            EpisodicLength = episodes.Count > 0 ? (double)episodes.LengthSum / episodes.Count : double.NaN,
            StepsPerSecond = _stepsThisRun / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9),
            PolicyLoss = stats[0],
            ValueLoss = stats[1],
            Entropy = stats[2],
            OldApproxKl = stats[3],
            ApproxKl = stats[4],
            ClipFraction = stats[5] / Math.Max(1, _minibatchesDone),
            ExplainedVariance = stats[6],
        };
        IterationCompleted?.Invoke(metrics);
        return metrics;
    }

    /// <summary>Learning rate of 1-based iteration <paramref name="iteration"/>: linear from the initial rate at iteration 1 towards 0.</summary>
    public double LearningRateAt(int iteration)
    {
        if (!Config.AnnealLearningRate) return Config.LearningRate;
        int last = Math.Min(iteration, Config.NumIterations);
        double fraction = 1.0 - (last - 1.0) / Config.NumIterations;
        return fraction * Config.LearningRate;
    }

    // ---------------------------------------------------------------- rollout

    private (int Count, double ReturnSum, long LengthSum) CollectRollout()
    {
        int count = 0;
        double returnSum = 0;
        long lengthSum = 0;
        for (int step = 0; step < Config.NumSteps; step++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            long start = TrainingPhaseTimes.Start();
            var (actions, logProbs, values) = _agent.Act(_nextObservations, _generator);
            _buffer.StoreAction(step, _nextObservations, actions, logProbs, values);
            DownloadActions(actions);
            Phases.AddInference(start);

            start = TrainingPhaseTimes.Start();
            _env.Step(_hostActions);
            Phases.AddEnv(start, _env.NumEnvs);
            GlobalStep += _env.NumEnvs;
            _stepsThisRun += _env.NumEnvs;
            bool anyTruncated = StageStep();

            // V(final observation) is only needed where an episode was truncated; most steps have none.
            Tensor finalValues = _zeroValues;
            if (anyTruncated)
            {
                start = TrainingPhaseTimes.Start();
                var raw = _agent.Value(_stagedFinalObservations);
                finalValues = where(_stagedTruncated.gt(OneHalf), raw, _zeroValues);
                Phases.AddInference(start);
            }
            _buffer.StoreOutcome(step, _stagedRewards, _stagedTerminated, _stagedTruncated, finalValues);
            _nextObservations.copy_(_stagedObservations);

            for (int env = 0; env < _episodes.NumEnvs; env++)
            {
                if (!_episodes.TryRead(env, GlobalStep, out var episode)) continue;
                count++;
                returnSum += episode.Return;
                lengthSum += episode.Length;
                EpisodeCompleted?.Invoke(episode);
            }
        }

        long advantagesStart = TrainingPhaseTimes.Start();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var nextValues = _agent.Value(_nextObservations);
            _buffer.ComputeAdvantages(nextValues, Config.Gamma, Config.GaeLambda);
        }
        Phases.AddUpdate(advantagesStart);
        return (count, returnSum, lengthSum);
    }

    // Called inside the step's dispose scope, which frees the temporaries.
    private void DownloadActions(Tensor actions)
    {
        var host = actions.device_type == DeviceType.CPU ? actions : actions.cpu();
        host.contiguous().data<float>().CopyTo(_hostActions, 0, 0);
    }

    // Packs the step's results into the staging row and makes the one host→device copy; returns whether any env was truncated.
    private bool StageStep()
    {
        int numEnvs = _env.NumEnvs;
        int obsFloats = numEnvs * _observationSize;
        var stage = _stage.AsSpan();
        _env.Observations.CopyTo(stage[..obsFloats]);
        _env.FinalObservations.CopyTo(stage.Slice(obsFloats, obsFloats));
        _env.Rewards.CopyTo(stage.Slice(2 * obsFloats, numEnvs));
        var terminated = _env.Terminated;
        var truncated = _env.Truncated;
        var terminatedRow = stage.Slice(2 * obsFloats + numEnvs, numEnvs);
        var truncatedRow = stage.Slice(2 * obsFloats + 2 * numEnvs, numEnvs);
        bool anyTruncated = false;
        for (int i = 0; i < numEnvs; i++)
        {
            terminatedRow[i] = terminated[i] ? 1f : 0f;
            truncatedRow[i] = truncated[i] ? 1f : 0f;
            anyTruncated |= truncated[i];
        }
        Upload();
        return anyTruncated;
    }

    private void UploadObservations()
    {
        using var scope = NewDisposeScope();
        _env.Observations.CopyTo(_stage);
        Upload();
        _nextObservations.copy_(_stagedObservations);
    }

    private void Upload()
    {
        _stageHost.data<float>().CopyFrom(_stage, 0, 0);
        if (!ReferenceEquals(_stageHost, _stageDevice)) _stageDevice.copy_(_stageHost, true);
    }

    // ---------------------------------------------------------------- update

    private void UpdatePolicy()
    {
        int batchSize = Config.BatchSize;
        int minibatchSize = Config.MinibatchSize;
        _minibatchesDone = 0;
        using (NewDisposeScope()) _updateStats.zero_();
        for (int epoch = 0; epoch < Config.UpdateEpochs; epoch++)
        {
            using var epochScope = NewDisposeScope();
            var order = randperm(batchSize, generator: _generator, device: Device);
            for (int start = 0; start < batchSize; start += minibatchSize)
            {
                using var scope = NewDisposeScope();
                var indices = order.narrow(0, start, minibatchSize);
                var terms = MinibatchLoss(indices);
                _optimizer.zero_grad();
                terms.Total.backward();
                GradientClipping.ClipByGlobalNorm(_parameters, Config.MaxGradNorm);
                _optimizer.step();
                _minibatchesDone++;
                using (no_grad())
                {
                    _updateStats.narrow(0, 0, 5).copy_(stack(new[]
                    {
                        terms.PolicyLoss.detach(), terms.ValueLoss.detach(), terms.Entropy.detach(), terms.OldApproxKl, terms.ApproxKl,
                    }));
                    _updateStats[5].add_(terms.ClipFraction, One);
                }
            }
            // One read per epoch, not per minibatch: the early stop only needs the epoch's last KL.
            if (Config.TargetKl is double targetKl && _updateStats[4].item<float>() > targetKl) break;
        }

        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            _updateStats[6].copy_(ExplainedVariance(_buffer.FlatValues, _buffer.FlatReturns));
        }
    }

    private PpoLossTerms MinibatchLoss(Tensor indices)
    {
        var observations = _buffer.FlatObservations.index_select(0, indices);
        var actions = _buffer.FlatActions.index_select(0, indices);
        var oldLogProbs = _buffer.FlatLogProbs.index_select(0, indices);
        var oldValues = _buffer.FlatValues.index_select(0, indices);
        var advantages = _buffer.FlatAdvantages.index_select(0, indices);
        var returns = _buffer.FlatReturns.index_select(0, indices);
        if (Config.NormalizeAdvantages) advantages = PpoLoss.NormalizeAdvantages(advantages);
        var (newLogProbs, entropies, newValues) = _agent.Evaluate(observations, actions);
        return PpoLoss.Compute(newLogProbs, oldLogProbs, advantages, returns, newValues, oldValues, entropies,
            Config.ClipCoef, Config.ClipValueLoss, Config.EntropyCoef, Config.ValueCoef);
    }

    /// <summary>1 − Var(returns − values) / Var(returns) with population variances, NaN when Var(returns) is 0 (as CleanRL).</summary>
    private static Tensor ExplainedVariance(Tensor values, Tensor returns)
    {
        var returnVariance = returns.var(unbiased: false);
        var residualVariance = (returns - values).var(unbiased: false);
        var explained = (residualVariance / returnVariance).neg().add(One, One);
        return where(returnVariance.eq(Zero), full_like(returnVariance, NaN), explained);
    }

    private float[] ReadUpdateStats()
    {
        using var scope = NewDisposeScope();
        return _updateStats.cpu().data<float>().ToArray();
    }

    // A persistent view of part of the staged row, shaped as asked.
    private Tensor StageView(long offset, params long[] shape)
    {
        long length = shape.Aggregate(1L, (a, b) => a * b);
        using var slice = _stageDevice.narrow(0, offset, length);
        return Own(slice.view(shape));
    }

    private Tensor Own(Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        _owned.Add(tensor);
        return tensor;
    }

    /// <summary>Releases the trainer's tensors, networks and generators; the env is not disposed (the caller owns it).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var tensor in _owned) tensor.Dispose();
        _owned.Clear();
        _buffer.Dispose();
        _optimizer.Dispose();
        _agent.Dispose();
        _generator.Dispose();
        _initGenerator.Dispose();
    }
}
