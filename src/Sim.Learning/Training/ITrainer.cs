using Sim.Learning.Runs;

namespace Sim.Learning.Training;

/// <summary>A trainer the shared <see cref="TrainingLoop"/> can drive, checkpoint and resume.</summary>
public interface ITrainer : IDisposable
{
    /// <summary>Short algorithm name used in run folder names, e.g. <c>ppo</c>.</summary>
    string Algorithm { get; }

    /// <summary>Env steps taken so far, summed over envs.</summary>
    long GlobalStep { get; }

    /// <summary>Env steps the run is configured to take.</summary>
    long TotalTimesteps { get; }

    /// <summary>Mean episodic return over recently finished episodes, or NaN before any has finished.</summary>
    double RecentReturn { get; }

    /// <summary>Time this process has spent in env stepping, action selection and updates.</summary>
    TrainingPhaseTimes Phases { get; }

    /// <summary>Runs one unit of training (a PPO iteration, a block of SAC steps) and logs its metrics to <paramref name="metrics"/>.</summary>
    void RunChunk(IMetricSink metrics);

    /// <summary>Adds everything needed to continue exactly (networks, optimizers, RNGs, counters, env state) to <paramref name="contents"/>.</summary>
    void Save(CheckpointContents contents);

    /// <summary>Restores what <see cref="Save"/> wrote, into a trainer built with the same configuration.</summary>
    void Load(Checkpoint checkpoint);
}
