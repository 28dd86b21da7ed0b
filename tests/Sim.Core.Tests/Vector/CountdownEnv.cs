using Sim.Core.Spaces;

namespace Sim.Core.Tests.Vector;

/// <summary>Test env: obs = [steps taken, env index, noise from the env's RNG]; reward = action;
/// terminates after 3 + (env mod 3) steps; a random noise draw per step exercises the per-env streams.</summary>
sealed class CountdownEnv(int numEnvs, VectorEnvOptions? options = null)
    : VectorEnv(numEnvs, Box.Unbounded(3), new Box(1, -10f, 10f), options)
{
    readonly int[] _steps = new int[numEnvs];
    public int StepCalls;

    // Allocation seen by each thread between consecutive StepRange calls: the pool's and the base
    // class's per-step overhead, measured per thread so concurrent tests cannot disturb it.
    [ThreadStatic] static long _lastThreadBytes;
    [ThreadStatic] static CountdownEnv? _lastThreadOwner;
    long _betweenCallsBytes;
    public bool TrackAllocations;
    public long BytesAllocatedBetweenSteps => Interlocked.Read(ref _betweenCallsBytes);
    public void ClearAllocationCount() => Interlocked.Exchange(ref _betweenCallsBytes, 0);

    public static int EpisodeLength(int env) => 3 + env % 3;

    protected override void ResetEnv(int env)
    {
        _steps[env] = 0;
        var row = ObservationBuffer.AsSpan(env * 3, 3);
        row[0] = 0;
        row[1] = env;
        row[2] = Rngs[env].NextFloat();
    }

    protected override void StepRange(int start, int end)
    {
        Interlocked.Increment(ref StepCalls);
        if (TrackAllocations)
        {
            // Touch the thread statics before reading the counter: their first use on a thread allocates storage.
            var owner = _lastThreadOwner;
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (owner == this) Interlocked.Add(ref _betweenCallsBytes, now - _lastThreadBytes);
            _lastThreadOwner = this;
            _lastThreadBytes = now;
        }
        for (int env = start; env < end; env++)
        {
            if (ResetPending[env]) continue;
            _steps[env]++;
            var row = ObservationBuffer.AsSpan(env * 3, 3);
            row[0] = _steps[env];
            row[2] = Rngs[env].NextFloat();
            RewardBuffer[env] = ActionBuffer[env];
            TerminatedBuffer[env] = _steps[env] >= EpisodeLength(env);
        }
    }
}
