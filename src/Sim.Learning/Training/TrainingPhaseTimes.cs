using System.Diagnostics;

namespace Sim.Learning.Training;

/// <summary>Wall-clock time a trainer spent stepping envs, choosing actions and updating networks, for the
/// learner-overhead report (env-only steps/s against training steps/s, and the share of each phase).</summary>
/// <remarks>
/// Phases are timed on the host. On the CPU every torch call is synchronous, so the split is exact; on CUDA kernels
/// run asynchronously and part of an update's time shows up in the next phase that reads from the device (the
/// action download), so treat the split as indicative there. Counts cover this process only: a resumed run starts
/// from zero.
/// </remarks>
public sealed class TrainingPhaseTimes
{
    long _env;
    long _inference;
    long _update;
    long _envSteps;

    /// <summary>Time spent in the env's <c>Step</c> (physics, wrappers, autoreset).</summary>
    public TimeSpan Env => Stopwatch.GetElapsedTime(0, _env);

    /// <summary>Time spent choosing actions: policy forward passes and the device→host action copy (plus value
    /// estimates where the algorithm needs them while collecting).</summary>
    public TimeSpan Inference => Stopwatch.GetElapsedTime(0, _inference);

    /// <summary>Time spent in gradient updates, advantage computation included.</summary>
    public TimeSpan Update => Stopwatch.GetElapsedTime(0, _update);

    /// <summary>Env transitions (summed over envs) whose stepping <see cref="Env"/> covers.</summary>
    public long EnvSteps => _envSteps;

    /// <summary>Transitions per second of env stepping alone, as measured inside training; NaN before any step.</summary>
    public double EnvStepsPerSecond => _env == 0 ? double.NaN : _envSteps / Env.TotalSeconds;

    /// <summary>A timestamp to pass to one of the <c>Add…</c> methods when the phase ends.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="start"/> to env stepping, for <paramref name="transitions"/> env transitions.</summary>
    public void AddEnv(long start, int transitions)
    {
        _env += Stopwatch.GetTimestamp() - start;
        _envSteps += transitions;
    }

    /// <summary>Adds the time since <paramref name="start"/> to action selection.</summary>
    public void AddInference(long start) => _inference += Stopwatch.GetTimestamp() - start;

    /// <summary>Adds the time since <paramref name="start"/> to network updates.</summary>
    public void AddUpdate(long start) => _update += Stopwatch.GetTimestamp() - start;

    /// <summary>Share of <paramref name="total"/> wall time spent in each phase; the rest is bookkeeping (staging,
    /// replay inserts, logging, checkpoints).</summary>
    public (double Env, double Inference, double Update, double Other) Shares(TimeSpan total)
    {
        double seconds = Math.Max(total.TotalSeconds, 1e-12);
        double env = Env.TotalSeconds / seconds, inference = Inference.TotalSeconds / seconds, update = Update.TotalSeconds / seconds;
        return (env, inference, update, Math.Max(0, 1 - env - inference - update));
    }
}
