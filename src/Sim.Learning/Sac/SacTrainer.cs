using System.Diagnostics;
using Sim.Core;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Foundation;
using Sim.Learning.Ppo;
using Sim.Learning.Replay;
using Sim.Learning.Training;
using Sim.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

/// <summary>Trains a <see cref="SacAgent"/> on a vector env with continuous Box actions, as CleanRL's <c>sac_continuous_action</c> does.</summary>
/// <remarks>
/// <para>Each vector step takes uniformly random actions for the first <see cref="SacConfig.LearningStarts"/> transitions
/// and policy samples afterwards, stores one transition per env in <see cref="Replay"/>, and, once the buffer holds
/// more than <see cref="SacConfig.LearningStarts"/> transitions, makes <see cref="SacConfig.UpdatesPerStep"/> gradient
/// updates. An update is one critic step on a fresh batch; every <see cref="SacConfig.PolicyFrequency"/>-th update
/// also makes that many actor (and temperature) steps on the same batch, and every
/// <see cref="SacConfig.TargetNetworkFrequency"/>-th moves the target critics. With one env this is CleanRL's loop
/// (which starts updating one step later).</para>
/// <para>The env must use <see cref="AutoresetMode.SameStep"/>, so that an ended episode's last observation comes with
/// the step (see <see cref="ReplayBuffer.AddStep"/>). All tensors live on <see cref="Device"/>: a policy step makes
/// one host→device copy (observations) and one device→host copy (actions); an update makes one host→device copy
/// per batch column and reads nothing back, except every <see cref="SacConfig.MetricsInterval"/> updates, when the
/// losses are read for <see cref="MetricsReported"/>. The trainer writes no files; loggers subscribe to its events.</para>
/// <para>Episode returns come from a <see cref="RecordEpisodeStatistics"/> in the env chain (stack it inside any
/// reward-changing wrapper so that the returns are the env's own); without one, no episodes are reported.</para>
/// <para>Randomness comes from generators owned by the trainer and seeded from <see cref="SacConfig.Seed"/>, and the env
/// is reset with the same seed, so a run is reproducible whatever other torch code runs in the process. Use a
/// trainer from one thread.</para>
/// </remarks>
public sealed partial class SacTrainer : ITrainer
{
    private readonly IVectorEnv _env;
    private readonly Box _actionSpace;
    private readonly SacAgent _agent;
    private readonly ReplayBuffer _replay;
    private readonly HindsightReplay? _hindsight;
    private readonly bool _ownsReplay;
    private readonly Adam _actorOptimizer;
    private Adam _criticOptimizer;
    private readonly Adam? _alphaOptimizer;
    private readonly IReadOnlyList<Parameter> _criticParameters;
    private readonly Generator _initGenerator;
    private readonly Generator _generator;
    private SimRandom _rng;
    private readonly double _targetEntropy;
    private readonly int _observationSize;
    private readonly int _actionSize;

    private readonly float[] _observations;
    private readonly float[] _hostActions;
    private readonly StagedTensor _policyInput;
    // α as a device tensor, so that targets and losses use it without a host round trip.
    private readonly Tensor _alpha;
    // [qf1 loss, qf2 loss, qf1 values, qf2 values, actor loss, alpha loss], written on the device, read at reports.
    private readonly Tensor _stats;

    // Episodes that ended, read from a RecordEpisodeStatistics in the env chain (none when there is no such wrapper).
    private readonly EpisodeEndReader _episodes;
    private int _episodesSinceReport;
    private double _returnSumSinceReport;
    private long _lengthSumSinceReport;

    private readonly Stopwatch _clock = new();
    private long _stepsThisRun;
    private bool _disposed;

    /// <summary>Builds the agent for <paramref name="env"/>'s spaces and resets the env with <see cref="SacConfig.Seed"/>.</summary>
    /// <param name="env">A vector env with <see cref="AutoresetMode.SameStep"/> autoreset and a bounded <see cref="Box"/> action space.</param>
    /// <param name="config">The run's hyperparameters.</param>
    /// <param name="replay">An existing buffer to keep filling (e.g. one loaded from disk), or null for a new one of
    /// <see cref="SacConfig.BufferSize"/>. A given buffer stays the caller's to dispose; its device must be the config's.</param>
    /// <param name="hindsightReward">With <see cref="SacConfig.Her"/>: the reward of relabelled transitions, when it is
    /// not the goal env's own (a shaped reward that includes it); null for the env's <see cref="IGoalEnv.ComputeRewards"/>.</param>
    public SacTrainer(IVectorEnv env, SacConfig config, ReplayBuffer? replay = null, TransitionRewardFunction? hindsightReward = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (env.NumEnvs != config.NumEnvs)
            throw new ArgumentException($"env has {env.NumEnvs} envs but config.NumEnvs = {config.NumEnvs}: they must match", nameof(env));
        if (env.AutoresetMode != AutoresetMode.SameStep)
            throw new ArgumentException($"env autoreset mode is {env.AutoresetMode}: SAC needs {nameof(AutoresetMode.SameStep)} " +
                "(build the env with new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep })", nameof(env));
        _actionSpace = env.SingleActionSpace as Box
            ?? throw new ArgumentException($"action space {env.SingleActionSpace} is not supported: SAC needs a continuous Box", nameof(env));

        _env = env;
        Config = config;
        Device = TorchDevice.Parse(config.Device);
        if (config.TorchThreads is int threads) set_num_threads(threads);
        _observationSize = env.SingleObservationSpace.FlatSize;
        _actionSize = _actionSpace.FlatSize;
        int numEnvs = env.NumEnvs;
        _targetEntropy = config.TargetEntropy ?? -_actionSize;

        if (replay is null)
        {
            _replay = new ReplayBuffer(config.BufferSize, _observationSize, _actionSize, Device);
            _ownsReplay = true;
        }
        else
        {
            if (replay.ObservationSize != _observationSize || replay.ActionSize != _actionSize)
                throw new ArgumentException($"replay buffer rows are {replay.ObservationSize} observation + {replay.ActionSize} action floats, " +
                    $"but the env's are {_observationSize} + {_actionSize}", nameof(replay));
            if (replay.Device.type != Device.type || replay.Device.index != Device.index)
                throw new ArgumentException($"replay buffer samples onto {replay.Device} but the trainer runs on {Device}", nameof(replay));
            _replay = replay;
        }

        if (config.Her is HindsightStrategy strategy)
        {
            var goalEnv = GoalEnvOf(env);
            if (replay is not null && replay.TotalAdded > 0)
                throw new ArgumentException($"hindsight replay must see every transition, but the given buffer already holds {replay.TotalAdded}", nameof(replay));
            _hindsight = new HindsightReplay(_replay, numEnvs, goalEnv.SingleDictObservationSpace, goalEnv.GoalSize, strategy, config.HerK,
                hindsightReward ?? HindsightReplay.GoalReward(goalEnv));
        }

        _initGenerator = new Generator(config.Seed, CPU);
        _generator = new Generator(SeedDerivation.Derive(config.Seed, "policy-noise"), Device);
        _rng = new SimRandom(SeedDerivation.Derive(config.Seed, "host-sampling"));
        _agent = new SacAgent(_observationSize, _actionSpace, config.HiddenSize, config.Autotune ? config.InitialAlpha : 1.0, _initGenerator);
        _agent.to(Device);
        _actorOptimizer = new Sim.Torch.Optimizers.Adam(_agent.Actor.parameters(), config.PolicyLearningRate);
        _criticParameters = _agent.CriticParameters.ToList();
        _criticOptimizer = new Sim.Torch.Optimizers.Adam(_criticParameters, config.QLearningRate);
        if (config.Autotune) _alphaOptimizer = new Sim.Torch.Optimizers.Adam(new[] { _agent.LogAlpha }, config.QLearningRate);

        _observations = new float[numEnvs * _observationSize];
        _hostActions = new float[numEnvs * _actionSize];
        _policyInput = new StagedTensor(Device, numEnvs, _observationSize);
        using (NewDisposeScope())
        using (no_grad())
        {
            using var fixedAlpha = config.Alpha.ToScalar();
            _alpha = config.Autotune ? _agent.LogAlpha.exp() : full(new long[] { 1 }, fixedAlpha, ScalarType.Float32, Device);
            _alpha.DetachFromDisposeScope();
            _stats = full(6, TorchScalars.NaN, ScalarType.Float32, Device);
            _stats.DetachFromDisposeScope();
        }

        _episodes = new EpisodeEndReader(env);

        _env.Reset(config.Seed);
        _env.Observations.CopyTo(_observations);
    }

    /// <summary>The goal env at the bottom of <paramref name="env"/>'s chain, for hindsight replay; an error naming the env otherwise.</summary>
    public static IGoalEnv GoalEnvOf(IVectorEnv env) => GoalEnvLookup.Beneath(env, "hindsight replay");

    /// <summary>The hindsight relabelling of <see cref="Replay"/>'s batches, when <see cref="SacConfig.Her"/> is set.</summary>
    public HindsightReplay? Hindsight => _hindsight;

    /// <summary>The run's hyperparameters.</summary>
    public SacConfig Config { get; }

    /// <summary>Where every tensor of the run lives.</summary>
    public Device Device { get; }

    /// <summary>The networks and temperature being trained.</summary>
    public SacAgent Agent => _agent;

    /// <summary>The transitions collected so far; relabel its rewards between steps to train on a learned reward.</summary>
    public ReplayBuffer Replay => _replay;

    /// <summary>The target entropy the temperature is tuned towards (−|A| unless configured).</summary>
    public double TargetEntropy => _targetEntropy;

    /// <summary>Env transitions taken so far, summed over envs.</summary>
    public long GlobalStep { get; private set; }

    /// <inheritdoc/>
    public TrainingPhaseTimes Phases { get; } = new();

    /// <summary>When set, each update trains on the rewards this returns for its sampled batch (shape <c>[batch]</c>, on
    /// <see cref="Device"/>, inside the update's dispose scope) instead of the stored ones; PEBBLE's unsupervised
    /// pre-training uses it for a state-entropy reward. Not part of checkpoints: set it again after a resume.</summary>
    public Func<ReplayBatch, Tensor>? BatchRewards { get; set; }

    /// <summary>Re-initialises both critics (and their targets) with fresh weights and clears the critic optimizer's
    /// moments, keeping the actor, the temperature and the replay buffer; PEBBLE does this once the reward switches from
    /// the unsupervised bonus to the learned reward, so no value estimate of the old reward lingers.</summary>
    public void ResetCritics()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using (var fresh1 = new SoftQNetwork("qf1", _observationSize, _actionSize, Config.HiddenSize, _initGenerator))
        using (var fresh2 = new SoftQNetwork("qf2", _observationSize, _actionSize, Config.HiddenSize, _initGenerator))
        {
            fresh1.to(Device);
            fresh2.to(Device);
            var new1 = fresh1.parameters().ToList();
            var new2 = fresh2.parameters().ToList();
            PolyakUpdate.Copy(_agent.Qf1.parameters().ToList(), new1);
            PolyakUpdate.Copy(_agent.Qf2.parameters().ToList(), new2);
            PolyakUpdate.Copy(_agent.Qf1Target.parameters().ToList(), new1);
            PolyakUpdate.Copy(_agent.Qf2Target.parameters().ToList(), new2);
        }
        _criticOptimizer.Dispose();
        _criticOptimizer = new Sim.Torch.Optimizers.Adam(_criticParameters, Config.QLearningRate);
    }

    /// <summary>Gradient updates (critic steps) done so far.</summary>
    public long Updates { get; private set; }

    /// <summary>Raised every <see cref="SacConfig.MetricsInterval"/> updates with the latest losses; loggers subscribe here.</summary>
    public event Action<SacMetrics>? MetricsReported;

    /// <summary>Raised for every episode that ends (needs an episode statistics wrapper in the env chain).</summary>
    public event Action<EpisodeEnd>? EpisodeCompleted;

    /// <summary>Steps until <see cref="GlobalStep"/> reaches <see cref="SacConfig.TotalTimesteps"/>.</summary>
    public void Train()
    {
        while (GlobalStep < Config.TotalTimesteps) Step();
    }

    /// <summary>Takes one vector step, stores its transitions and makes the updates due.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _clock.Start();
        long start = TrainingPhaseTimes.Start();
        ChooseActions();
        Phases.AddInference(start);
        start = TrainingPhaseTimes.Start();
        _env.Step(_hostActions);
        Phases.AddEnv(start, _env.NumEnvs);
        _replay.AddStep(_observations, _hostActions, _env);
        _hindsight?.RecordStep(_env.Terminated, _env.Truncated);
        _env.Observations.CopyTo(_observations);
        GlobalStep += _env.NumEnvs;
        _stepsThisRun += _env.NumEnvs;
        CollectEpisodes();
        if (GlobalStep > Config.LearningStarts)
        {
            start = TrainingPhaseTimes.Start();
            for (int i = 0; i < Config.UpdatesPerStep; i++) Update();
            Phases.AddUpdate(start);
        }
        _clock.Stop();
    }

    // ---------------------------------------------------------------- acting

    private void ChooseActions()
    {
        if (GlobalStep < Config.LearningStarts)
        {
            // Warm-up: uniform over the Box, from the trainer's own stream so that it is reproducible.
            for (int env = 0; env < _env.NumEnvs; env++)
                _actionSpace.Sample(ref _rng, _hostActions.AsSpan(env * _actionSize, _actionSize));
            return;
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _observations.CopyTo(_policyInput.Host);
        _policyInput.Upload();
        var (actions, _) = _agent.Actor.Sample(_policyInput.Device, _generator);
        var host = actions.device_type == DeviceType.CPU ? actions : actions.cpu();
        host.contiguous().data<float>().CopyTo(_hostActions, 0, 0);
    }

    private void CollectEpisodes()
    {
        for (int env = 0; env < _episodes.NumEnvs; env++)
        {
            if (!_episodes.TryRead(env, GlobalStep, out var episode)) continue;
            _episodesSinceReport++;
            _returnSumSinceReport += episode.Return;
            _lengthSumSinceReport += episode.Length;
            EpisodeCompleted?.Invoke(episode);
        }
    }

    // ---------------------------------------------------------------- learning

    private void Update()
    {
        using var scope = NewDisposeScope();
        var batch = _hindsight is null ? _replay.Sample(Config.BatchSize, ref _rng) : _hindsight.Sample(Config.BatchSize, ref _rng);
        var observations = batch.Observations;
        var rewards = BatchRewards is { } batchRewards ? batchRewards(batch) : batch.Rewards;

        Tensor target;
        using (no_grad())
        {
            var (nextActions, nextLogProbs) = _agent.Actor.Sample(batch.NextObservations, _generator);
            var nextQ1 = _agent.Qf1Target.forward(batch.NextObservations, nextActions);
            var nextQ2 = _agent.Qf2Target.forward(batch.NextObservations, nextActions);
            target = SacLosses.CriticTarget(rewards, batch.Terminated, nextQ1, nextQ2, nextLogProbs, _alpha, Config.Gamma);
        }
        var q1 = _agent.Qf1.forward(observations, batch.Actions);
        var q2 = _agent.Qf2.forward(observations, batch.Actions);
        var qf1Loss = SacLosses.CriticLoss(q1, target);
        var qf2Loss = SacLosses.CriticLoss(q2, target);
        _criticOptimizer.zero_grad();
        qf1Loss.add(qf2Loss, TorchScalars.One).backward();
        _criticOptimizer.step();
        Updates++;

        if (Updates % Config.PolicyFrequency == 0)
        {
            for (int i = 0; i < Config.PolicyFrequency; i++) UpdateActor(observations);
        }
        if (Updates % Config.TargetNetworkFrequency == 0) _agent.UpdateTargets(Config.Tau);

        if (Updates % Config.MetricsInterval == 0)
        {
            using (no_grad())
            {
                _stats.narrow(0, 0, 4).copy_(stack(new[] { qf1Loss.detach(), qf2Loss.detach(), q1.detach().mean(), q2.detach().mean() }));
            }
            Report();
        }
    }

    private void UpdateActor(Tensor observations)
    {
        var (actions, logProbs) = _agent.Actor.Sample(observations, _generator);
        // The actor's gradient flows through the critics, but the critics' own weight gradients would be thrown
        // away, so autograd is told not to compute them (this saves a matmul per critic layer).
        SetRequiresGrad(_criticParameters, false);
        Tensor actorLoss;
        try
        {
            var q1 = _agent.Qf1.forward(observations, actions);
            var q2 = _agent.Qf2.forward(observations, actions);
            actorLoss = SacLosses.ActorLoss(logProbs, q1, q2, _alpha);
            _actorOptimizer.zero_grad();
            actorLoss.backward();
        }
        finally
        {
            SetRequiresGrad(_criticParameters, true);
        }
        _actorOptimizer.step();
        using (no_grad()) _stats[4].copy_(actorLoss.detach());
        if (_alphaOptimizer is null) return;

        // A fresh sample from the updated actor, as CleanRL; the temperature loss treats its log π as a constant.
        Tensor freshLogProbs;
        using (no_grad()) (_, freshLogProbs) = _agent.Actor.Sample(observations, _generator);
        var alphaLoss = SacLosses.AlphaLoss(_agent.LogAlpha, freshLogProbs, _targetEntropy);
        _alphaOptimizer.zero_grad();
        alphaLoss.backward();
        _alphaOptimizer.step();
        using (no_grad())
        {
            _alpha.copy_(_agent.LogAlpha.exp());
            _stats[5].copy_(alphaLoss.detach());
        }
    }

    private static void SetRequiresGrad(IReadOnlyList<Parameter> parameters, bool value)
    {
        for (int i = 0; i < parameters.Count; i++) parameters[i].requires_grad = value;
    }

    private void Report()
    {
        float[] stats;
        using (NewDisposeScope())
        {
            // The one device→host read of the interval: losses and α together.
            var packed = cat(new[] { _stats, _alpha });
            stats = packed.cpu().data<float>().ToArray();
        }
        int episodes = _episodesSinceReport;
        var metrics = new SacMetrics
        {
            GlobalStep = GlobalStep,
            Updates = Updates,
            Qf1Loss = stats[0],
            Qf2Loss = stats[1],
            QfLoss = (stats[0] + stats[1]) / 2.0,
            Qf1Values = stats[2],
            Qf2Values = stats[3],
            ActorLoss = stats[4],
            AlphaLoss = stats[5],
            Alpha = stats[6],
            EpisodeCount = episodes,
            EpisodicReturn = episodes > 0 ? _returnSumSinceReport / episodes : double.NaN,
            EpisodicLength = episodes > 0 ? (double)_lengthSumSinceReport / episodes : double.NaN,
            StepsPerSecond = _stepsThisRun / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9),
        };
        _episodesSinceReport = 0;
        _returnSumSinceReport = 0;
        _lengthSumSinceReport = 0;
        MetricsReported?.Invoke(metrics);
    }

    /// <summary>Deterministic actions <c>tanh(μ)·scale + bias</c> for a batch of host observations <c>[rows × obs size]</c>,
    /// written to <paramref name="actions"/> <c>[rows × action size]</c>; for evaluation.</summary>
    public void ActDeterministic(ReadOnlySpan<float> observations, Span<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (observations.Length % _observationSize != 0)
            throw new ArgumentException($"observations has {observations.Length} values: expected a multiple of the observation size {_observationSize}", nameof(observations));
        int rows = observations.Length / _observationSize;
        if (actions.Length != rows * _actionSize)
            throw new ArgumentException($"actions has {actions.Length} values: expected {rows} rows × action size {_actionSize}", nameof(actions));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(observations.ToArray(), new long[] { rows, _observationSize }).to(Device);
        var output = _agent.Actor.MeanAction(input).cpu().contiguous();
        output.data<float>().ToArray().AsSpan().CopyTo(actions);
    }

    /// <summary>Releases the trainer's tensors, networks, optimizers, generators and (if it made it) the replay buffer; the env is the caller's.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stats.Dispose();
        _alpha.Dispose();
        _policyInput.Dispose();
        if (_ownsReplay) _replay.Dispose();
        _actorOptimizer.Dispose();
        _criticOptimizer.Dispose();
        _alphaOptimizer?.Dispose();
        _agent.Dispose();
        _generator.Dispose();
        _initGenerator.Dispose();
    }
}
