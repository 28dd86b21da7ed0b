using Sim.Foundation;
using Sim.Learning.Replay;

namespace Sim.Learning.Tests.Replay;

/// <summary>Seeded replay buffers (3 observation floats, 2 action floats) and an exact comparison, shared by the file and stream tests.</summary>
internal static class ReplayBufferSamples
{
    public static ReplayBuffer Filled(int capacity, int transitions, ulong seed = 42)
    {
        var buffer = new ReplayBuffer(capacity, 3, 2);
        var random = new SimRandom(seed);
        var obs = new float[3];
        var action = new float[2];
        var next = new float[3];
        for (int i = 0; i < transitions; i++)
        {
            for (int k = 0; k < 3; k++) obs[k] = (float)random.NextGaussian();
            for (int k = 0; k < 2; k++) action[k] = random.NextFloat();
            for (int k = 0; k < 3; k++) next[k] = (float)random.NextGaussian();
            buffer.Add(obs, action, new[] { (float)random.NextGaussian() }, next, new[] { random.NextFloat() < 0.2f });
        }
        return buffer;
    }

    public static void AssertSameContents(ReplayBuffer expected, ReplayBuffer actual)
    {
        Assert.Equal(expected.Capacity, actual.Capacity);
        Assert.Equal(expected.ObservationSize, actual.ObservationSize);
        Assert.Equal(expected.ActionSize, actual.ActionSize);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Position, actual.Position);
        Assert.Equal(expected.TotalAdded, actual.TotalAdded);
        Assert.Equal(expected.Observations.ToArray(), actual.Observations.ToArray());
        Assert.Equal(expected.Actions.ToArray(), actual.Actions.ToArray());
        Assert.Equal(expected.Rewards.ToArray(), actual.Rewards.ToArray());
        Assert.Equal(expected.NextObservations.ToArray(), actual.NextObservations.ToArray());
        Assert.Equal(expected.Terminated.ToArray(), actual.Terminated.ToArray());
    }
}
