using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Preferences;

public class SegmentTrajectoryTests
{
    static readonly float[] FiveRewards = [0.5f, -1f, 2f, 0.25f, 3f];

    [Fact]
    public void FramesAreTheSegmentsStepsWithTheirPhysicsRows()
    {
        var segment = TestSegments.Make(episode: 7, FiveRewards, physicsStateSize: 3);
        var t = SegmentTrajectory.From(segment, requirePhysicsStates: true);

        // A whole trajectory renders its physics rows (MuJoCo) or its T + 1 observation rows (classic control); both must be H.
        Assert.Equal(5, t.PhysicsStateRows);
        Assert.Equal(5, t.Steps + 1);
        Assert.True(t.HasFinalPhysicsState);
        Assert.Equal(3, t.PhysicsStateSize);
        Assert.Equal(segment.PhysicsStates, t.PhysicsStates);
        for (int k = 0; k < 5; k++)
            Assert.Equal(Enumerable.Range(0, 3).Select(j => 7 + (3 * k + j) * 0.001), t.PhysicsState(k).ToArray());
    }

    [Fact]
    public void CopiesObservationsAndTheTransitionsBetweenFrames()
    {
        var segment = TestSegments.Make(episode: 7, FiveRewards, physicsStateSize: 3);
        var t = SegmentTrajectory.From(segment, requirePhysicsStates: true);

        Assert.Equal("Test-v0", t.EnvId);
        Assert.Equal(7, t.EpisodeIndex);
        Assert.Equal(3, t.FirstStep);
        Assert.Equal(2, t.ObservationSize);
        Assert.Equal(1, t.ActionSize);
        Assert.Equal(segment.Observations, t.Observations);
        Assert.Equal([7f, 4f], t.Observation(4).ToArray());
        // Actions 0..3 (−0.5 t) and their rewards connect frames 0..4; the fifth action leaves the segment.
        Assert.Equal([0f, -0.5f, -1f, -1.5f], t.Actions);
        Assert.Equal([0.5f, -1f, 2f, 0.25f], t.Rewards);
        Assert.Equal(new bool[4], t.Terminated);
        Assert.Equal(new bool[4], t.Truncated);
        Assert.False(t.IsComplete);
        Assert.NotSame(segment.Observations, t.Observations);
        Assert.NotSame(segment.PhysicsStates, t.PhysicsStates);
    }

    [Fact]
    public void ObservationDrawnSegmentsNeedNoPhysics()
    {
        var t = SegmentTrajectory.From(TestSegments.Make(episode: 1, FiveRewards), requirePhysicsStates: false);
        Assert.Equal(0, t.PhysicsStateSize);
        Assert.Equal(0, t.PhysicsStateRows);
        Assert.False(t.HasFinalPhysicsState);
        Assert.Empty(t.PhysicsStates);
        Assert.Equal(5, t.Steps + 1);
    }

    [Fact]
    public void OneStepSegmentIsOneFrame()
    {
        var t = SegmentTrajectory.From(TestSegments.Make(episode: 0, [4f], physicsStateSize: 2), requirePhysicsStates: true);
        Assert.Equal(0, t.Steps);
        Assert.Equal(1, t.PhysicsStateRows);
        Assert.Empty(t.Actions);
        Assert.Empty(t.Rewards);
    }

    [Fact]
    public void MissingPhysicsStatesNameThePairAndSide()
    {
        var withPhysics = TestSegments.Make(episode: 1, FiveRewards, physicsStateSize: 3);
        var without = TestSegments.Make(episode: 2, FiveRewards);
        var pair = new PreferencePair<Segment>(42, withPhysics, without);

        var e = Assert.Throws<ArgumentException>(() => SegmentTrajectory.From(pair, requirePhysicsStates: true));
        Assert.Contains("pair 42, right segment", e.Message);
        Assert.Contains("no physics states", e.Message);
        Assert.Contains("episode 2, steps 3..7", e.Message);

        var (left, right) = SegmentTrajectory.From(pair, requirePhysicsStates: false);
        Assert.Equal(3, left.PhysicsStateSize);
        Assert.Equal(0, right.PhysicsStateSize);
    }

    [Fact]
    public void ArraysThatDisagreeWithTheLengthAreRefused()
    {
        var good = TestSegments.Make(episode: 1, FiveRewards, physicsStateSize: 3);
        var shortPhysics = new Segment
        {
            Source = good.Source,
            EnvId = good.EnvId,
            Length = good.Length,
            ObservationSize = good.ObservationSize,
            ActionSize = good.ActionSize,
            Observations = good.Observations,
            Actions = good.Actions,
            TrueRewards = good.TrueRewards,
            PhysicsStateSize = 3,
            PhysicsStates = new double[12],
        };
        var e = Assert.Throws<ArgumentException>(() => SegmentTrajectory.From(shortPhysics, requirePhysicsStates: true, "pair 5, left segment"));
        Assert.Contains("pair 5, left segment", e.Message);
        Assert.Contains("physics states have 12 values, expected length 5 × physics state size 3 = 15", e.Message);
    }
}
