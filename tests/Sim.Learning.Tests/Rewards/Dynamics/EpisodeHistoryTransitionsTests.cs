using Sim.Rewards.Robot;
using Sim.Rewards.Robot.Dynamics;

namespace Sim.Learning.Tests.Rewards.Dynamics;

/// <summary>Checks the episode history as a source of transitions: consecutive steps of one episode, never across an
/// episode's end or between sub-envs.</summary>
public sealed class EpisodeHistoryTransitionsTests
{
    [Fact]
    public void Transitions_pair_each_step_with_the_next_step_of_the_same_episode()
    {
        var history = new EpisodeHistory(new EpisodeHistoryOptions { EnvId = "Toy-v0", NumEnvs = 2, ObservationSize = 1, ActionSize = 1, SegmentLength = 1, MaxEpisodeSteps = 10 });
        // Env 0: an episode of 3 steps (obs 1, 2, 3) that ends, then one step (obs 10) of the next.
        // Env 1: 2 steps (obs 100, 101) in progress.
        history.AddTransition(0, [1], [-1], 0, false);
        history.AddTransition(1, [100], [-100], 0, false);
        history.AddTransition(0, [2], [-2], 0, false);
        history.AddTransition(1, [101], [-101], 0, false);
        history.AddTransition(0, [3], [-3], 0, true);
        history.AddTransition(0, [10], [-10], 0, false);

        // Finished episode first (1→2, 2→3), then the episodes in progress: env 0's has one step, env 1's gives 100→101.
        Assert.Equal(3, history.TransitionCount);
        var states = new float[3];
        var actions = new float[3];
        var next = new float[3];
        ((ITransitionSource)history).CopyTransitions(states, actions, next);
        Assert.Equal([1f, 2f, 100f], states);
        Assert.Equal([-1f, -2f, -100f], actions);
        Assert.Equal([2f, 3f, 101f], next);
    }

    [Fact]
    public void Spans_of_the_wrong_length_are_refused_naming_the_expected_size()
    {
        var history = new EpisodeHistory(new EpisodeHistoryOptions { EnvId = "Toy-v0", NumEnvs = 1, ObservationSize = 2, ActionSize = 1, SegmentLength = 1, MaxEpisodeSteps = 10 });
        history.AddTransition(0, [1, 1], [0], 0, false);
        history.AddTransition(0, [2, 2], [0], 0, false);

        var error = Assert.Throws<ArgumentException>(() => history.CopyTransitions(new float[3], new float[1], new float[2]));
        Assert.Contains("states has 3 values: expected TransitionCount × ObservationSize = 2", error.Message);
    }
}
