using Sim.Core;
using Sim.Core.Spaces;
using Sim.Foundation;
using Sim.Learning.Replay;
using Sim.Learning.Sac;

namespace Sim.Learning.Tests.Replay;

public sealed class HindsightReplayTests
{
    const int NumEnvs = 3;
    const int BatchSize = 400;
    // ArmReach's success radius and sparse reward, written out here rather than taken from the env.
    const double Radius = 0.05;

    // ArmReach with random actions for 130 vector steps: the 50-step time limit ends two episodes per env, and a third
    // is running when the batches are drawn.
    sealed class Filled : IDisposable
    {
        public readonly IVectorEnv Env;
        public readonly ReplayBuffer Buffer;
        public readonly HindsightReplay Hindsight;
        public readonly DictSpace Space;
        // Per env, the transition indices at which its episodes ended, from the env's own flags.
        public readonly List<long>[] Ends = Enumerable.Range(0, NumEnvs).Select(_ => new List<long>()).ToArray();

        public Filled(HindsightStrategy strategy, int capacity = 1000)
        {
            Env = Envs.Envs.Make("ArmReach-v1", NumEnvs, seed: 3, SacEnvironment.Options(threads: 1));
            var goal = SacTrainer.GoalEnvOf(Env);
            Space = goal.SingleDictObservationSpace;
            Buffer = new ReplayBuffer(capacity, Space.FlatSize, 3);
            Hindsight = new HindsightReplay(Buffer, NumEnvs, Space, goal.GoalSize, strategy, k: 4, HindsightReplay.GoalReward(goal));
            Env.Reset(3);
            var rng = new SimRandom(11);
            var actions = new float[NumEnvs * 3];
            var observations = new float[NumEnvs * Space.FlatSize];
            for (int step = 0; step < 130; step++)
            {
                Env.Observations.CopyTo(observations);
                Env.SingleActionSpace.Sample(ref rng, actions.AsSpan(0, 3));
                Env.SingleActionSpace.Sample(ref rng, actions.AsSpan(3, 3));
                Env.SingleActionSpace.Sample(ref rng, actions.AsSpan(6, 3));
                Env.Step(actions);
                Buffer.AddStep(observations, actions, Env);
                Hindsight.RecordStep(Env.Terminated, Env.Truncated);
                for (int i = 0; i < NumEnvs; i++)
                    if (Env.Truncated[i] || Env.Terminated[i]) Ends[i].Add((long)step * NumEnvs + i);
            }
        }

        // The last transition of the episode holding transition t: its recorded end, or the env's latest transition.
        public long EpisodeEnd(long t)
        {
            int env = (int)(t % NumEnvs);
            foreach (long end in Ends[env]) if (end >= t) return end;
            return 129L * NumEnvs + env;
        }

        public long EpisodeStart(long t)
        {
            int env = (int)(t % NumEnvs);
            long start = env;
            foreach (long end in Ends[env]) if (end < t) start = end + NumEnvs;
            return start;
        }

        public void Dispose()
        {
            Buffer.Dispose();
            Env.Dispose();
        }
    }

    static float[] Host(TorchSharp.torch.Tensor t) => t.cpu().data<float>().ToArray();

    [Theory]
    [InlineData(HindsightStrategy.Future)]
    [InlineData(HindsightStrategy.Final)]
    [InlineData(HindsightStrategy.Episode)]
    public void Relabelled_rewards_are_the_sparse_reward_of_the_new_goals(HindsightStrategy strategy)
    {
        using var filled = new Filled(strategy);
        var rng = new SimRandom(5);
        var batch = filled.Hindsight.Sample(BatchSize, ref rng);
        var (ag, _) = filled.Space.Range(Core.IGoalEnv.AchievedGoalKey);
        var (dg, _) = filled.Space.Range(Core.IGoalEnv.DesiredGoalKey);
        int o = filled.Space.FlatSize;
        float[] obs = Host(batch.Observations), next = Host(batch.NextObservations), rewards = Host(batch.Rewards);
        var stored = filled.Buffer.NextObservations;
        int relabelled = 0, successes = 0;
        for (int b = 0; b < BatchSize; b++)
        {
            double dx = next[b * o + ag] - next[b * o + dg], dy = next[b * o + ag + 1] - next[b * o + dg + 1];
            float expected = Math.Sqrt(dx * dx + dy * dy) < Radius ? 0f : -1f;
            Assert.Equal(expected, rewards[b]);
            long source = filled.Hindsight.GoalSources[b];
            if (source < 0) continue;
            relabelled++;
            if (rewards[b] == 0f) successes++;
            // The new goal is the achieved goal of the source step's next observation, in both observations.
            int sourceRow = (int)(source % filled.Buffer.Capacity);
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(stored[sourceRow * o + ag + j], obs[b * o + dg + j]);
                Assert.Equal(stored[sourceRow * o + ag + j], next[b * o + dg + j]);
            }
        }
        // round(400 · 4/5) rows are relabelled, the first ones of the batch.
        Assert.Equal(320, relabelled);
        Assert.All(filled.Hindsight.GoalSources[..320].ToArray(), s => Assert.True(s >= 0));
        Assert.All(filled.Hindsight.GoalSources[320..].ToArray(), s => Assert.Equal(-1, s));
        // Random reaching almost never succeeds on its own goals, but hindsight goals often are the step's own.
        Assert.True(successes > 10, $"only {successes} of {relabelled} relabelled transitions are successes");
    }

    [Theory]
    [InlineData(HindsightStrategy.Future)]
    [InlineData(HindsightStrategy.Final)]
    [InlineData(HindsightStrategy.Episode)]
    public void Goals_come_from_the_transitions_own_episode_and_future_never_from_before_it(HindsightStrategy strategy)
    {
        using var filled = new Filled(strategy);
        var rng = new SimRandom(9);
        int before = 0;
        for (int draw = 0; draw < 5; draw++)
        {
            var batch = filled.Hindsight.Sample(BatchSize, ref rng);
            for (int b = 0; b < filled.Hindsight.RelabelledRows(BatchSize); b++)
            {
                long t = filled.Hindsight.TransitionAt(batch.Indices[b]);
                long source = filled.Hindsight.GoalSources[b];
                Assert.Equal(t % NumEnvs, source % NumEnvs);
                Assert.InRange(source, filled.EpisodeStart(t), filled.EpisodeEnd(t));
                if (strategy == HindsightStrategy.Future) Assert.True(source >= t, $"future goal from transition {source}, before transition {t}");
                if (strategy == HindsightStrategy.Final) Assert.Equal(filled.EpisodeEnd(t), source);
                if (source < t) before++;
            }
        }
        // The episode strategy does reach back (so the check above is not vacuous for it).
        if (strategy == HindsightStrategy.Episode) Assert.True(before > 100, $"only {before} episode goals came from before their transition");
    }

    [Fact]
    public void After_the_buffer_wraps_goals_still_come_from_rows_it_holds_of_the_same_episode()
    {
        // 390 transitions into 200 rows: the oldest kept transition is 190, inside every env's second episode.
        using var filled = new Filled(HindsightStrategy.Episode, capacity: 200);
        var rng = new SimRandom(4);
        var batch = filled.Hindsight.Sample(BatchSize, ref rng);
        for (int b = 0; b < filled.Hindsight.RelabelledRows(BatchSize); b++)
        {
            long t = filled.Hindsight.TransitionAt(batch.Indices[b]);
            long source = filled.Hindsight.GoalSources[b];
            Assert.InRange(source, Math.Max(190, filled.EpisodeStart(t)), filled.EpisodeEnd(t));
            Assert.Equal(source, filled.Hindsight.TransitionAt((int)(source % 200)));
        }
    }

    [Fact]
    public void A_non_goal_env_is_refused_by_name()
    {
        using var env = Envs.Envs.Make("Pendulum-v1", 1, seed: 0, SacEnvironment.Options(threads: 1));
        var ex = Assert.Throws<ArgumentException>(() => SacTrainer.GoalEnvOf(env));
        Assert.Contains("no goal env", ex.Message);
    }
}
