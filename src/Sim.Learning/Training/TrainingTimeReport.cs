using Sim.Foundation;
using System.Text.Json;
using Sim.Learning.Runs;

namespace Sim.Learning.Training;

/// <summary>Where a training process spent its wall time: the learner-overhead figures of the benchmark table.</summary>
/// <param name="WallSeconds">Wall time of the training loop in this process, checkpoints and logging included.</param>
/// <param name="EnvSteps">Env transitions taken in this process, summed over envs.</param>
/// <param name="TrainingStepsPerSecond">Env transitions per wall-clock second of training.</param>
/// <param name="EnvStepsPerSecond">Env transitions per second of env stepping alone, timed inside the same run.</param>
/// <param name="EnvShare">Fraction of wall time spent stepping envs.</param>
/// <param name="InferenceShare">Fraction spent choosing actions.</param>
/// <param name="UpdateShare">Fraction spent in network updates.</param>
/// <param name="OtherShare">The rest: staging, replay inserts, logging, checkpoints.</param>
public sealed record TrainingTimeReport(
    double WallSeconds, long EnvSteps, double TrainingStepsPerSecond, double EnvStepsPerSecond,
    double EnvShare, double InferenceShare, double UpdateShare, double OtherShare)
{
    /// <summary>Learner overhead: env-only steps/s ÷ training steps/s (1 would mean learning costs nothing).</summary>
    public double Overhead => EnvStepsPerSecond / TrainingStepsPerSecond;

    /// <summary>Summarises <paramref name="phases"/> over <paramref name="wall"/> of training that took <paramref name="envSteps"/> transitions.</summary>
    public static TrainingTimeReport From(TrainingPhaseTimes phases, TimeSpan wall, long envSteps)
    {
        ArgumentNullException.ThrowIfNull(phases);
        var (env, inference, update, other) = phases.Shares(wall);
        return new TrainingTimeReport(wall.TotalSeconds, envSteps, envSteps / Math.Max(wall.TotalSeconds, 1e-12),
            phases.EnvStepsPerSecond, env, inference, update, other);
    }

    /// <summary>Writes the report as indented JSON, atomically. A figure without a value (no env time measured, so no
    /// env-only rate) is written as "NaN" rather than failing the run at its very end.</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
}
