using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using static TorchSharp.torch;

namespace Sim.Learning.Sac;

// The parts of SacTrainer that the shared training loop uses: chunks of steps, metrics by tag, checkpoints and resume.
public sealed partial class SacTrainer
{
    /// <summary>Env steps per <see cref="RunChunk"/> unless <see cref="ChunkSteps"/> is changed.</summary>
    public const long DefaultChunkSteps = 1_000;

    private const int StateVersion = 1;
    private const string AgentPart = "agent";
    private const string ActorOptimizerPart = "actor_optimizer";
    private const string CriticOptimizerPart = "critic_optimizer";
    private const string AlphaOptimizerPart = "alpha_optimizer";
    private const string TrainerPart = "trainer";
    private const string ReplayPart = "replay";
    private const string EnvPart = "env";
    private const string HindsightPart = "hindsight";

    private long _chunkSteps = DefaultChunkSteps;

    /// <inheritdoc/>
    public string Algorithm => "sac";

    /// <inheritdoc/>
    public long TotalTimesteps => Config.TotalTimesteps;

    /// <inheritdoc/>
    public double RecentReturn =>
        (_env as VectorEnvWrapper)?.Find<RecordEpisodeStatistics>() is { RecentCount: > 0 } stats ? stats.RecentMeanReturn : double.NaN;

    /// <summary>Env steps (summed over envs) a <see cref="RunChunk"/> takes: it stops at the next multiple of this, so chunks,
    /// and with them progress reports and checkpoints, fall at the same steps in a resumed run as in an uninterrupted one.</summary>
    public long ChunkSteps
    {
        get => _chunkSteps;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, $"ChunkSteps = {value}: expected at least 1 env step");
            _chunkSteps = value;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Steps until <see cref="GlobalStep"/> reaches the next multiple of <see cref="ChunkSteps"/> or the budget
    /// (always at least one vector step), logging every finished episode at the step it ended and each metrics report's
    /// losses under CleanRL's tags.</remarks>
    public void RunChunk(IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        void LogEpisode(EpisodeEnd e)
        {
            metrics.Log(SacMetrics.EpisodicReturnTag, e.Return, e.GlobalStep);
            metrics.Log(SacMetrics.EpisodicLengthTag, e.Length, e.GlobalStep);
            if (e.Success is bool success) metrics.Log(EpisodeEnd.SuccessTag, success ? 1 : 0, e.GlobalStep);
        }
        void LogReport(SacMetrics m)
        {
            foreach (var (tag, value) in m.Scalars())
            {
                // Episodes are logged one by one as they end, as CleanRL does, rather than as a mean per report.
                if (tag is SacMetrics.EpisodicReturnTag or SacMetrics.EpisodicLengthTag) continue;
                metrics.Log(tag, value, m.GlobalStep);
            }
        }
        long end = (GlobalStep / _chunkSteps + 1) * _chunkSteps;
        if (GlobalStep < Config.TotalTimesteps) end = Math.Min(end, Config.TotalTimesteps);
        EpisodeCompleted += LogEpisode;
        MetricsReported += LogReport;
        try
        {
            do Step();
            while (GlobalStep < end);
        }
        finally
        {
            EpisodeCompleted -= LogEpisode;
            MetricsReported -= LogReport;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The parts are the agent (every network and log α), the three optimizers (two when α is fixed), the
    /// trainer's counters and random streams, the replay buffer (only the rows it holds) and the env chain.</remarks>
    public void Save(CheckpointContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ObjectDisposedException.ThrowIf(_disposed, this);
        contents.AddModule(AgentPart, _agent);
        contents.AddOptimizer(ActorOptimizerPart, _actorOptimizer);
        contents.AddOptimizer(CriticOptimizerPart, _criticOptimizer);
        if (_alphaOptimizer is not null) contents.AddOptimizer(AlphaOptimizerPart, _alphaOptimizer);
        contents.AddStream(TrainerPart, WriteTrainerState);
        contents.AddStream(ReplayPart, _replay.Save);
        if (_hindsight is not null) contents.AddStream(HindsightPart, _hindsight.Save);
        contents.AddStream(EnvPart, stream => EnvState.Save(_env, stream));
    }

    /// <inheritdoc/>
    /// <remarks>The replay buffer is restored in place, so a buffer passed to the constructor holds the saved transitions
    /// afterwards. A load that fails part way leaves the trainer unusable; build a new one.</remarks>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        checkpoint.LoadModule(AgentPart, _agent);
        checkpoint.LoadOptimizer(ActorOptimizerPart, _actorOptimizer);
        checkpoint.LoadOptimizer(CriticOptimizerPart, _criticOptimizer);
        if (_alphaOptimizer is not null) checkpoint.LoadOptimizer(AlphaOptimizerPart, _alphaOptimizer);
        else if (checkpoint.Contains(AlphaOptimizerPart))
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' was saved with a tuned temperature, but this trainer's Autotune is off");
        using (var stream = checkpoint.OpenRead(TrainerPart)) ReadTrainerState(stream, checkpoint.Path);
        using (var stream = checkpoint.OpenRead(ReplayPart))
        {
            try
            {
                _replay.LoadFrom(stream);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"checkpoint '{checkpoint.Path}' part \"{ReplayPart}\": {e.Message}", e);
            }
        }
        if (_hindsight is not null)
        {
            if (!checkpoint.Contains(HindsightPart))
                throw new InvalidDataException($"checkpoint '{checkpoint.Path}' has no part \"{HindsightPart}\": it was saved without hindsight replay, but this run uses it");
            using var stream = checkpoint.OpenRead(HindsightPart);
            _hindsight.Load(stream, $"checkpoint '{checkpoint.Path}' part \"{HindsightPart}\"");
        }
        else if (checkpoint.Contains(HindsightPart))
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' was saved with hindsight replay, but this run has none");
        using (var stream = checkpoint.OpenRead(EnvPart)) EnvState.Load(_env, stream);
        // α is derived from log α, which the agent part just replaced.
        if (Config.Autotune)
        {
            using var noGrad = no_grad();
            using var alpha = _agent.LogAlpha.exp();
            _alpha.copy_(alpha);
        }
    }

    private void WriteTrainerState(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StateVersion);
        writer.Write(GlobalStep);
        writer.Write(Updates);
        writer.Write(_episodesSinceReport);
        writer.Write(_returnSumSinceReport);
        writer.Write(_lengthSumSinceReport);
        writer.WriteRandom(_rng);
        using (NewDisposeScope())
        {
            writer.WriteArray<byte>(_generator.get_state().data<byte>().ToArray());
            // The last losses, so that the first report after a resume is the one the uninterrupted run makes.
            writer.WriteArray<float>(_stats.cpu().data<float>().ToArray());
        }
        writer.WriteArray<float>(_observations);
    }

    private void ReadTrainerState(Stream stream, string checkpointPath)
    {
        string part = $"checkpoint '{checkpointPath}' part \"{TrainerPart}\"";
        try
        {
            ReadTrainerFields(stream, part);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{part} ends early ({stream.Length} bytes): it was written by another build or configuration", e);
        }
    }

    private void ReadTrainerFields(Stream stream, string part)
    {
        using var reader = new BinaryReader(stream);
        int version = reader.ReadInt32();
        if (version != StateVersion)
            throw new InvalidDataException($"{part} holds SAC trainer state version {version}, expected {StateVersion}");
        long globalStep = reader.ReadInt64();
        long updates = reader.ReadInt64();
        int episodes = reader.ReadInt32();
        double returnSum = reader.ReadDouble();
        long lengthSum = reader.ReadInt64();
        if (globalStep < 0 || updates < 0 || episodes < 0 || lengthSum < 0)
            throw new InvalidDataException($"{part} is corrupt: step {globalStep}, updates {updates}, episodes {episodes}, length sum {lengthSum}: expected counts >= 0");
        var rng = reader.ReadRandom($"{part} host random state");
        byte[] generatorState;
        using (NewDisposeScope()) generatorState = new byte[_generator.get_state().numel()];
        reader.ReadArray<byte>(generatorState, $"{part} torch generator state");
        var stats = new float[_stats.shape[0]];
        reader.ReadArray<float>(stats, $"{part} last losses");
        var observations = new float[_observations.Length];
        reader.ReadArray<float>(observations, $"{part} observations");
        if (stream.Position != stream.Length)
            throw new InvalidDataException($"{part} has {stream.Length - stream.Position} bytes left after the trainer state: it was written by another build");

        GlobalStep = globalStep;
        Updates = updates;
        _episodesSinceReport = episodes;
        _returnSumSinceReport = returnSum;
        _lengthSumSinceReport = lengthSum;
        _rng = rng;
        using (NewDisposeScope())
        using (no_grad())
        {
            _generator.set_state(tensor(generatorState, ScalarType.Byte));
            _stats.copy_(tensor(stats).to(_stats.device));
        }
        observations.CopyTo(_observations, 0);
    }

    /// <summary>Builds a <see cref="SacAgent"/> for <paramref name="env"/>'s spaces and <paramref name="config"/>'s network size
    /// and loads the networks saved in <paramref name="checkpoint"/>, without a trainer or replay buffer (for evaluation).</summary>
    /// <returns>An agent on the CPU, owned by the caller; move it with <c>to(device)</c>.</returns>
    public static SacAgent LoadAgent(Checkpoint checkpoint, IVectorEnv env, SacConfig config)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(config);
        var actionSpace = env.SingleActionSpace as Box
            ?? throw new ArgumentException($"action space {env.SingleActionSpace} is not supported: SAC needs a continuous Box", nameof(env));
        // The initial weights are overwritten, so their generator's seed does not matter.
        using var generator = new Generator(config.Seed, CPU);
        var agent = new SacAgent(env.SingleObservationSpace.FlatSize, actionSpace, config.HiddenSize, config.Autotune ? config.InitialAlpha : 1.0, generator);
        try
        {
            checkpoint.LoadModule(AgentPart, agent);
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }
}
