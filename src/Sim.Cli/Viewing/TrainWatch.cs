using System.Diagnostics;
using Sim.Core.Wrappers;
using Sim.Foundation;
using Sim.Learning.Ppo;
using Sim.Learning.Sac;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Viewer.Interactive;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Cli.Viewing;

/// <summary><c>sim train --watch</c>: a viewer on its own thread running a copy of one env with the policy being trained,
/// whose weights the trainer publishes every <see cref="SyncSeconds"/> seconds.</summary>
/// <remarks>The trainer never waits on the viewer: between chunks it copies the policy's tensors to host arrays (a few
/// kilobytes) and publishes the copy by swapping one reference; the viewer picks up the newest copy before it steps.</remarks>
public sealed class TrainWatch : IDisposable
{
    /// <summary>Seconds between weight copies.</summary>
    public const double SyncSeconds = 2;

    /// <summary>Frame rate of the watching window: smooth enough to follow the policy, cheap enough for software rendering.</summary>
    public const double FramesPerSecond = 20;

    readonly nn.Module _policy;
    readonly NormalizeObservation? _normalizer;
    readonly ITrainer _trainer;
    readonly TrainingLoop _loop;
    readonly CancellationTokenSource _stop = new();
    readonly Thread _thread;
    readonly Stopwatch _sinceSync = Stopwatch.StartNew();
    PolicySnapshot? _latest;

    TrainWatch(RunDefinition run, TrainingRun training, TrainingLoop loop)
    {
        _trainer = training.Trainer;
        _loop = loop;
        _policy = training.Policy;
        _normalizer = (training.Env as VectorEnvWrapper)?.Find<NormalizeObservation>();
        Publish();
        loop.Progress += OnProgress;
        ulong seed = SeedDerivation.Derive(RunRegistry.Default.AlgorithmOf(run).Settings(run).Seed, "watch");
        _thread = new Thread(() => Show(run, seed)) { IsBackground = true, Name = "sim train --watch viewer" };
        _thread.Start();
        Console.WriteLine($"watching {run.Config.Env} in a window; the policy's weights are copied to it every {SyncSeconds:0} s");
    }

    /// <summary>Starts watching <paramref name="training"/>'s policy, driven by <paramref name="loop"/>; dispose it when training ends.</summary>
    public static TrainWatch Start(RunDefinition run, TrainingRun training, TrainingLoop loop)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(loop);
        // Mesa's software rasteriser (Xvfb, no GPU) spreads each frame over a thread per core, which would take cores from
        // the trainer; one thread keeps the viewer to at most one. Mesa reads this when the first context is made.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("LP_NUM_THREADS"))) setenv("LP_NUM_THREADS", "1", 0);
        return new TrainWatch(run, training, loop);
    }

    [System.Runtime.InteropServices.DllImport("libc", CharSet = System.Runtime.InteropServices.CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);

    // On the trainer's thread, between chunks.
    void OnProgress(TrainingProgress progress)
    {
        if (_sinceSync.Elapsed.TotalSeconds < SyncSeconds || !_thread.IsAlive) return;
        Publish();
    }

    void Publish()
    {
        Volatile.Write(ref _latest, PolicySnapshot.Take(_policy, _normalizer, _trainer.GlobalStep));
        _sinceSync.Restart();
    }

    void Show(RunDefinition run, ulong seed)
    {
        // The lowest CPU priority for this thread, and so for the rasteriser threads Mesa starts from it: on a machine
        // without a GPU the window then draws with the CPU time training leaves over instead of taking its share.
        Sim.Viewer.Native.LowestCpuPriority.ApplyToCurrentThread();
        try
        {
            TorchPolicySource? policy = null;
            var simulation = LiveSimulation.Create(run.Config.Env, 1, seed,
                actions: _ => policy = CheckpointPolicy.Untrained(run, () => Volatile.Read(ref _latest)), envArgs: run.Config.EnvArgs);
            using var window = ViewerApp.OpenLive(simulation, Directory.GetCurrentDirectory(), beforeStep: () => policy!.Refresh(), width: 640, height: 480);
            window.Run(_stop.Token, maxFramesPerSecond: FramesPerSecond);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"sim train --watch: the viewer stopped ({e.Message}); training goes on");
        }
    }

    /// <summary>Stops publishing, closes the viewer and waits for its thread.</summary>
    public void Dispose()
    {
        _loop.Progress -= OnProgress;
        _stop.Cancel();
        if (!_thread.Join(TimeSpan.FromSeconds(10))) Console.Error.WriteLine("sim train --watch: the viewer did not close within 10 s");
        _stop.Dispose();
    }
}
