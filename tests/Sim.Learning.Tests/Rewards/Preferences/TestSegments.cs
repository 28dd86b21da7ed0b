using Sim.Foundation;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Preferences;

/// <summary>Small hand-built segments for the preference tests.</summary>
internal static class TestSegments
{
    /// <summary>A segment with the given per-step true rewards; observations encode the episode so segments are told apart.</summary>
    public static Segment WithRewards(params float[] rewards) => Make(0, rewards);

    public static Segment Make(long episode, float[] rewards, int physicsStateSize = 0)
    {
        int h = rewards.Length;
        var observations = new float[h * 2];
        for (int t = 0; t < h; t++)
        {
            observations[2 * t] = episode;
            observations[2 * t + 1] = t;
        }
        var physics = new double[h * physicsStateSize];
        for (int i = 0; i < physics.Length; i++) physics[i] = episode + i * 0.001;
        return new Segment
        {
            Source = "test",
            EnvId = "Test-v0",
            Episode = episode,
            StartStep = 3,
            Length = h,
            ObservationSize = 2,
            ActionSize = 1,
            Observations = observations,
            Actions = Enumerable.Range(0, h).Select(t => -0.5f * t).ToArray(),
            TrueRewards = rewards,
            PhysicsStateSize = physicsStateSize,
            PhysicsStates = physics,
        };
    }

    public static void AssertSame(Segment expected, Segment actual)
    {
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.EnvId, actual.EnvId);
        Assert.Equal(expected.Episode, actual.Episode);
        Assert.Equal(expected.StartStep, actual.StartStep);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.ObservationSize, actual.ObservationSize);
        Assert.Equal(expected.ActionSize, actual.ActionSize);
        Assert.Equal(expected.PhysicsStateSize, actual.PhysicsStateSize);
        Assert.Equal(expected.Observations, actual.Observations);
        Assert.Equal(expected.Actions, actual.Actions);
        Assert.Equal(expected.TrueRewards, actual.TrueRewards);
        Assert.Equal(expected.PhysicsStates, actual.PhysicsStates);
    }
}
