namespace Sim.Core;

/// <summary>Work split into equal static partitions, run by a <see cref="WorkerPool"/>.</summary>
/// <remarks>An interface (implemented by the env itself) rather than a delegate, so dispatching a step allocates nothing.</remarks>
public interface IPartitionedWork
{
    /// <summary>Runs partition <paramref name="partition"/> of <paramref name="partitionCount"/>.</summary>
    void Execute(int partition, int partitionCount);
}
