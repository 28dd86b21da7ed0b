using Sim.Foundation;
using Sim.Core.Trajectories;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Rewards.Preferences;

public class TrajectorySegmentsTests
{
    /// <summary>T steps; observation row r = [r, 10 r], action t = −t, reward t = t / 10, physics row r = [r, r + 0.5].</summary>
    static Trajectory Make(int steps, int episode = 4, int firstStep = 0, bool finalPhysics = true) => new()
    {
        EnvId = "Test-v0",
        EnvIndex = 1,
        EpisodeIndex = episode,
        FirstStep = firstStep,
        ObservationSize = 2,
        ActionSize = 1,
        PhysicsStateSize = 2,
        HasFinalPhysicsState = finalPhysics,
        Steps = steps,
        Observations = Enumerable.Range(0, steps + 1).SelectMany(r => new[] { (float)r, 10f * r }).ToArray(),
        Actions = Enumerable.Range(0, steps).Select(t => (float)-t).ToArray(),
        Rewards = Enumerable.Range(0, steps).Select(t => t / 10f).ToArray(),
        Terminated = Enumerable.Range(0, steps).Select(t => t == steps - 1).ToArray(),
        Truncated = new bool[steps],
        PhysicsStates = Enumerable.Range(0, steps + (finalPhysics ? 1 : 0)).SelectMany(r => new[] { (double)r, r + 0.5 }).ToArray(),
    };

    [Fact]
    public void CutCopiesTheRowsAndPhysicsStatesOfTheWindow()
    {
        var s = TrajectorySegments.Cut(Make(6, firstStep: 100, finalPhysics: false), start: 3, length: 3, source: "demo.traj");
        Assert.Equal("demo.traj", s.Source);
        Assert.Equal("Test-v0", s.EnvId);
        Assert.Equal(4, s.Episode);
        Assert.Equal(103, s.StartStep);
        Assert.Equal([3f, 30f, 4f, 40f, 5f, 50f], s.Observations);
        Assert.Equal([-3f, -4f, -5f], s.Actions);
        Assert.Equal([0.3f, 0.4f, 0.5f], s.TrueRewards);
        Assert.Equal([3.0, 3.5, 4.0, 4.5, 5.0, 5.5], s.PhysicsStates);
    }

    [Fact]
    public void CutAllTilesTheTrajectoryWithoutOverlap()
    {
        var segments = TrajectorySegments.CutAll(Make(7), "f", length: 3);
        Assert.Equal([0, 3], segments.Select(s => s.StartStep));
        Assert.Equal([0, 2, 4], TrajectorySegments.CutAll(Make(7), "f", length: 3, stride: 2).Select(s => s.StartStep));
        Assert.Empty(TrajectorySegments.CutAll(Make(2), "f", length: 3));
    }

    [Fact]
    public void SourceSkipsShortTrajectoriesAndDrawsWindowsInsideOne()
    {
        var source = new TrajectorySegmentSource([Make(2, episode: 0), Make(5, episode: 1), Make(3, episode: 2)], "f", segmentLength: 3);
        Assert.Equal(2, source.UsableTrajectoryCount);
        var random = new SimRandom(5);
        var seen = new HashSet<(long, int)>();
        for (int i = 0; i < 300; i++)
        {
            var s = source.SampleSegment(ref random);
            Assert.NotEqual(0, s.Episode);
            Assert.Equal(s.StartStep, (int)s.Observations[0]);
            seen.Add((s.Episode, s.StartStep));
        }
        Assert.Equal([(1L, 0), (1L, 1), (1L, 2), (2L, 0)], seen.OrderBy(x => x));
    }

    [Fact]
    public void BadInputIsRejectedByName()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrajectorySegments.Cut(Make(5), 3, 3, "f"));
        Assert.Contains("segment start 3 with length 3", ex.Message);
        Assert.Contains("[0, 2]", ex.Message);
        var arg = Assert.Throws<ArgumentException>(() => new TrajectorySegmentSource([Make(2)], "demo", 50));
        Assert.Contains("the longest has 2", arg.Message);
    }
}
