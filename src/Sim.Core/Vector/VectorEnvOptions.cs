namespace Sim.Core;

/// <summary>How a vector env runs: worker threads and autoreset mode.</summary>
public sealed record VectorEnvOptions
{
    /// <summary>Threads that step partitions of envs in parallel, the caller included (1 = step inline).</summary>
    public int NumThreads { get; init; } = 1;

    /// <summary>How finished episodes are reset; Gymnasium's default is <see cref="AutoresetMode.NextStep"/>.</summary>
    public AutoresetMode AutoresetMode { get; init; } = AutoresetMode.NextStep;

    /// <summary>The defaults: one thread, next-step autoreset.</summary>
    public static VectorEnvOptions Default { get; } = new();

    /// <summary>Throws when a field is out of range, naming it.</summary>
    public void Validate()
    {
        if (NumThreads < 1 || NumThreads > 1024)
            throw new ArgumentOutOfRangeException(nameof(NumThreads), NumThreads, "expected between 1 and 1024 threads");
        if (!Enum.IsDefined(AutoresetMode))
            throw new ArgumentOutOfRangeException(nameof(AutoresetMode), AutoresetMode, "expected NextStep or SameStep");
    }
}
