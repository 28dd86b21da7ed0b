using Sim.Foundation;
using Sim.Rewards.Robot;

namespace Sim.Learning.Progress;

/// <summary>Training items of randomized return decomposition (RRD, Ren et al. 2022): K steps drawn without replacement
/// from an episode of T steps, whose target is the episode's outcome scaled by K/T, so that (T/K)·Σ_{i∈I} c_i is an
/// unbiased estimate of the episode's sum Σ_t c_t.</summary>
/// <remarks>
/// <para>Fitting the sum of a random subset rather than the whole episode's sum is the whole-episode objective plus a
/// penalty on how much c_t varies within an episode (the subset's variance), so among the many ways to split each
/// outcome it prefers the ones that explain differences between episodes with the steps' features, and each item
/// costs K steps instead of T. Episodes of K steps or fewer are used whole, with their outcome unscaled.</para>
/// <para>The draw is a function of the seed alone, so a resumed run draws the same subsets as the uninterrupted one.</para>
/// </remarks>
public static class RandomStepSubsets
{
    /// <summary><paramref name="rounds"/> subsets of <paramref name="steps"/> steps from each episode (round-major: all
    /// episodes' first subsets, then all second ones), and each subset's target.</summary>
    /// <exception cref="ArgumentException">The counts differ, or <paramref name="steps"/> or <paramref name="rounds"/> is below 1.</exception>
    public static (Segment[] Items, float[] Targets) Draw(IReadOnlyList<Segment> episodes, IReadOnlyList<float> outcomes, int steps, int rounds, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (episodes.Count != outcomes.Count) throw new ArgumentException($"{episodes.Count} episodes and {outcomes.Count} outcomes: expected one outcome per episode");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps per subset = {steps}: expected at least 1");
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, $"rounds = {rounds}: expected at least 1");
        var rng = new SimRandom(seed);
        var items = new Segment[episodes.Count * rounds];
        var targets = new float[items.Length];
        int[] indices = [];
        for (int round = 0, k = 0; round < rounds; round++)
            for (int e = 0; e < episodes.Count; e++, k++)
            {
                var episode = episodes[e];
                if (episode.Length <= steps)
                {
                    items[k] = episode;
                    targets[k] = outcomes[e];
                    continue;
                }
                if (indices.Length < episode.Length) indices = new int[episode.Length];
                for (int t = 0; t < episode.Length; t++) indices[t] = t;
                // The first `steps` places of a partial Fisher–Yates shuffle: a uniform subset without replacement.
                for (int i = 0; i < steps; i++)
                {
                    int j = i + rng.NextInt(episode.Length - i);
                    (indices[i], indices[j]) = (indices[j], indices[i]);
                }
                items[k] = Rows(episode, indices.AsSpan(0, steps));
                targets[k] = (float)(outcomes[e] * (double)steps / episode.Length);
            }
        return (items, targets);
    }

    static Segment Rows(Segment episode, ReadOnlySpan<int> rows)
    {
        int obs = episode.ObservationSize, act = episode.ActionSize;
        var observations = new float[rows.Length * obs];
        var actions = new float[rows.Length * act];
        for (int i = 0; i < rows.Length; i++)
        {
            episode.Observations.AsSpan(rows[i] * obs, obs).CopyTo(observations.AsSpan(i * obs));
            episode.Actions.AsSpan(rows[i] * act, act).CopyTo(actions.AsSpan(i * act));
        }
        return new Segment
        {
            Source = episode.Source,
            EnvId = episode.EnvId,
            Episode = episode.Episode,
            Length = rows.Length,
            ObservationSize = obs,
            ActionSize = act,
            Observations = observations,
            Actions = actions,
            TrueRewards = new float[rows.Length],
        };
    }
}
