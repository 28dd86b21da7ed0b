using Sim.Alignment.Tokenization;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Torch;
using static TorchSharp.torch;

namespace Sim.Alignment.Training;

/// <summary>The base of the alignment trainers (TRL's <c>Trainer</c> under <c>SFTTrainer</c>, <c>RewardTrainer</c>, …):
/// run folders, <c>config.json</c>, the tokenizer beside the model, metrics CSV and TensorBoard, checkpoints with exact
/// resume, progress and curves, all through the same <see cref="TrainingLoop"/> that drives <c>sim train</c>.</summary>
/// <remarks>
/// A step is the trainer's unit of work (one optimiser step for SFT, one epoch of every member for a reward model), so
/// <see cref="ITrainer.GlobalStep"/> counts those rather than env steps, and the loop's <c>timing.json</c> reports steps
/// per second. Subclasses do one step in <see cref="TrainStep"/> and add their
/// weights, optimisers and random streams to checkpoints; the base keeps the counters, the token throughput and the order
/// in which things are saved. Not thread-safe.
/// </remarks>
public abstract class AlignmentTrainer<TConfig> : ITrainer where TConfig : AlignmentConfig
{
    /// <summary>The tokenizer's file in a run folder.</summary>
    public const string TokenizerFileName = "tokenizer.json";

    private const string CounterPart = "trainer.json";
    private long _tokens;
    private long _lastLoggedTokens;
    private TimeSpan _lastLoggedTime;

    /// <summary>Validates <paramref name="config"/> and keeps it with the <paramref name="tokenizer"/> of the data.</summary>
    protected AlignmentTrainer(TConfig config, BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tokenizer);
        config.Validate();
        Config = config;
        Tokenizer = tokenizer;
        Device = TorchDevice.Parse(config.Device);
    }

    /// <summary>How this run trains.</summary>
    public TConfig Config { get; }

    /// <summary>The tokenizer the data was encoded with, saved beside the model.</summary>
    public BpeTokenizer Tokenizer { get; }

    /// <summary>Where the weights live.</summary>
    public Device Device { get; }

    /// <inheritdoc/>
    public abstract string Algorithm { get; }

    /// <inheritdoc/>
    public long GlobalStep { get; private set; }

    /// <summary>Steps the run takes in all.</summary>
    public abstract long TotalSteps { get; }

    /// <inheritdoc/>
    public long TotalTimesteps => TotalSteps;

    /// <summary>Alignment runs have no episodes.</summary>
    public double RecentReturn => double.NaN;

    /// <inheritdoc/>
    public TrainingPhaseTimes Phases { get; } = new();

    /// <summary>Tokens (prompts, completions, BOS and EOS) trained on per second of update time in this process; NaN before any.</summary>
    public double TokensPerSecond => Phases.Update == TimeSpan.Zero ? double.NaN : _tokens / Phases.Update.TotalSeconds;

    /// <summary>What <c>curve.png</c> shows.</summary>
    public abstract LearningCurve Curve { get; }

    /// <summary>Makes a new run folder <c>data__algorithm__seed__time</c> under <paramref name="runsRoot"/> holding
    /// <c>config.json</c> and <c>tokenizer.json</c>.</summary>
    public RunDirectory CreateRun(string runsRoot, string dataName)
    {
        var run = RunDirectory.Create(runsRoot, dataName, Algorithm, Config.Seed, DateTimeOffset.UtcNow);
        run.SaveConfig(Config);
        Tokenizer.Save(Path.Combine(run.Path, TokenizerFileName));
        return run;
    }

    /// <summary>Trains in <paramref name="run"/> to the end of the budget or until <paramref name="cancel"/> fires, from its
    /// newest intact checkpoint when <paramref name="resume"/>; then writes the trained model's files into the run.</summary>
    public void Train(RunDirectory run, bool resume = false, CancellationToken cancel = default, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var loop = new TrainingLoop(this, run, Config.CheckpointEvery) { Curve = Curve };
        if (resume) loop.Resume();
        if (progress is not null) loop.Progress += progress;
        loop.Run(cancel);
        SaveOutputs(run);
    }

    /// <summary>Runs one step and logs its metrics every <see cref="AlignmentConfig.LogEvery"/> steps.</summary>
    public void RunChunk(IMetricSink metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        long start = TrainingPhaseTimes.Start();
        bool log = (GlobalStep + 1) % Config.LogEvery == 0 || GlobalStep + 1 == TotalSteps;
        _tokens += TrainStep(GlobalStep, log ? metrics : null);
        Phases.AddUpdate(start);
        GlobalStep++;
        if (log)
        {
            // Throughput over the steps since the last row, so the figure follows the run rather than its whole history.
            double seconds = (Phases.Update - _lastLoggedTime).TotalSeconds;
            if (seconds > 0) metrics.Log("charts/tokens_per_second", (_tokens - _lastLoggedTokens) / seconds, GlobalStep);
            (_lastLoggedTokens, _lastLoggedTime) = (_tokens, Phases.Update);
        }
        if (GlobalStep % Config.EvalEvery == 0 || GlobalStep == TotalSteps) Evaluate(metrics);
    }

    /// <summary>Adds the step counter, then the subclass's state, to <paramref name="contents"/>.</summary>
    public void Save(CheckpointContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        contents.AddJson(CounterPart, new StepCounter(GlobalStep));
        SaveState(contents);
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var counter = checkpoint.ReadJson<StepCounter>(CounterPart);
        if (counter.Step != checkpoint.Step || counter.Step < 0 || counter.Step > TotalSteps)
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' holds step {counter.Step}: expected its own step {checkpoint.Step}, within the run's {TotalSteps} steps");
        LoadState(checkpoint);
        GlobalStep = counter.Step;
    }

    /// <summary>Trains on the batch of step <paramref name="step"/> and returns how many tokens it held; logs its
    /// losses to <paramref name="metrics"/> when given (only then may it read values back from the device).</summary>
    protected abstract long TrainStep(long step, IMetricSink? metrics);

    /// <summary>Logs held-out metrics at the current step; nothing when there is no held-out data.</summary>
    protected abstract void Evaluate(IMetricSink metrics);

    /// <summary>Adds weights, optimiser moments and random streams to <paramref name="contents"/>.</summary>
    protected abstract void SaveState(CheckpointContents contents);

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    protected abstract void LoadState(Checkpoint checkpoint);

    /// <summary>Writes the trained model's files (e.g. <c>model.bin</c>) into <paramref name="run"/>.</summary>
    public abstract void SaveOutputs(RunDirectory run);

    /// <inheritdoc/>
    public abstract void Dispose();

    private sealed record StepCounter(long Step);
}
