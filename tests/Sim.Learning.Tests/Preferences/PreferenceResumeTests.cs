using System.Runtime.InteropServices;
using Sim.Core;
using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Learning.Runs;
using Sim.Learning.Sac;
using Sim.Learning.Training;
using Sim.Rewards.Robot;
using Sim.Rewards.Labels;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot.Dynamics;
using TorchSharp;

namespace Sim.Learning.Tests.Preferences;

/// <summary>Checks that preference-learning runs resume from a checkpoint as if they had never stopped: the policy, the
/// reward ensemble, the questions asked and the answers given all come out the same, and pairs asked after the
/// checkpoint are kept in the label store but not trained on.</summary>
public sealed class PreferenceResumeTests
{
    const string EnvId = "Pendulum-v1";

    static readonly string[] ComparedTags =
    [
        PpoIterationMetrics.EpisodicReturnTag, PreferenceMetrics.LabelsTag, PreferenceMetrics.RoundsTag, "reward/accuracy",
        "reward/loss", PreferenceMetrics.HeldOutAccuracyTag, PreferenceMetrics.RewardCorrelationTag,
        DynamicsMetrics.ConsistencyLossTag, DynamicsMetrics.ValidationLossTag, DynamicsMetrics.InitialValidationLossTag,
        DynamicsMetrics.EpochsTag, DynamicsMetrics.TransitionsTag,
    ];

    // REED small enough for tests: a few epochs of small batches.
    static readonly DynamicsPretrainingOptions SmallReed = new() { Epochs = 3, BatchSize = 32, Patience = 2, Encoder = new DynamicsEncoderConfig(6, 3, 6, 8) };

    static PreferenceRewardLearner Learner(RunDirectory run, IVectorEnv env, PreferenceLearningOptions options, QueryScheduleOptions schedule) =>
        new(options, schedule, EnvId, env.NumEnvs, env.SingleObservationSpace.FlatSize, env.SingleActionSpace.FlatSize, 0,
            Path.Combine(run.Path, "labels.db"), seed: 4, torch.CPU) { ModelPath = Path.Combine(run.Path, "reward_model.bin") };

    // The trainers see the learner through IRewardLearner; these tests look at its preference side.
    static PreferenceRewardLearner PreferencesOf(PreferenceTrainer trainer) => (PreferenceRewardLearner)trainer.Learner;

    // ---------------------------------------------------------------- PPO (Christiano et al.)

    static readonly PpoConfig PpoRun = new() { Seed = 4, NumEnvs = 2, NumSteps = 200, NumMinibatches = 2, UpdateEpochs = 1, TotalTimesteps = 1600, TorchThreads = 1 };

    static PreferencePpoTrainer BuildPpo(RunDirectory run, out IVectorEnv env, int recentEpisodes = 100, DynamicsPretrainingOptions? reed = null)
    {
        // A stochastic teacher, so that its random stream has to come back too. Rounds at steps 400, 800 and 1200.
        var options = SmallPreferenceRuns.Options(labels: 30, PreferenceTeachers.Stochastic) with { RecentEpisodes = recentEpisodes, Reed = reed };
        var schedule = options.ResolveSchedule(PpoRun.TotalTimesteps, defaultFirstRound: PpoRun.BatchSize) with { Interval = 400 };
        var inner = Envs.Envs.Make(EnvId, PpoRun.NumEnvs, PpoRun.Seed, PpoEnvironment.Options(threads: 1));
        var learner = Learner(run, inner, options, schedule);
        env = PpoEnvironment.Wrap(inner, PpoRun, e => PreferenceEnvironment.Wrap(e, learner));
        return new PreferencePpoTrainer(new PpoTrainer(env, PpoRun), learner);
    }

    [Fact]
    public void A_resumed_christiano_ppo_run_ends_equal_to_an_uninterrupted_one_and_sets_aside_pairs_asked_after_the_checkpoint()
    {
        using var scratch = new TempDirectory();
        Snapshot expected;
        var whole = RunDirectory.Create(scratch.Path, EnvId, "ppo", PpoRun.Seed, DateTimeOffset.FromUnixTimeSeconds(1000));
        using (var trainer = BuildPpo(whole, out var env))
        using (env)
        {
            new TrainingLoop(trainer, whole, checkpointEvery: 800).Run();
            expected = Snapshot.Of(trainer, trainer.Ppo.Agent, whole);
        }
        Assert.Equal(30, expected.Labels.Length);
        Assert.Equal(3, expected.Rows[PreferenceMetrics.LabelsTag].Split('\n').Length);

        // The interrupted run checkpoints at step 800, goes on past the round at step 1200 and dies without saving.
        var interrupted = RunDirectory.Create(scratch.Path, EnvId, "ppo", PpoRun.Seed, DateTimeOffset.FromUnixTimeSeconds(2000));
        using (var cancel = new CancellationTokenSource())
        using (var trainer = BuildPpo(interrupted, out var env))
        using (env)
        {
            var loop = new TrainingLoop(trainer, interrupted, checkpointEvery: 800);
            loop.Progress += p => { if (p.GlobalStep >= 800) cancel.Cancel(); };
            loop.Run(cancel.Token);
            Assert.Equal(800, loop.LastCheckpointStep);
            var lost = new RecordingMetrics();
            while (trainer.GlobalStep < 1200) trainer.RunChunk(lost);
            Assert.Equal(30, PreferencesOf(trainer).LabelsUsed);
        }
        using (var store = SegmentCodec.OpenStore(Path.Combine(interrupted.Path, "labels.db"))) Assert.Equal(30, store.GetCounts().Pairs);

        using (var trainer = BuildPpo(RunDirectory.Open(interrupted.Path), out var env))
        using (env)
        {
            var loop = new TrainingLoop(trainer, RunDirectory.Open(interrupted.Path), checkpointEvery: 800);
            Assert.Equal(800, loop.Resume());
            Assert.Equal(20, PreferencesOf(trainer).LabelsUsed);
            Assert.True(PreferencesOf(trainer).HasTrainedModel);
            // The 10 pairs of the lost round at step 1200 stay in the store but are not trained on.
            Assert.Equal(10, PreferencesOf(trainer).SetAsidePairCount);
            // The model file, written by the lost round, is the checkpoint's model again.
            AssertScoresAlike(PreferencesOf(trainer).Model, Path.Combine(interrupted.Path, "reward_model.bin"));
            loop.Run();
            Assert.Equal(PpoRun.TotalTimesteps, trainer.GlobalStep);
            expected.AssertEqual(Snapshot.Of(trainer, trainer.Ppo.Agent, interrupted), setAsideAfter: 20, setAsideThrough: 30);
        }
        using (var store = SegmentCodec.OpenStore(Path.Combine(interrupted.Path, "labels.db"))) Assert.Equal(40, store.GetCounts().Pairs);

        // The set-aside pairs stay set aside through the checkpoints the resumed run wrote.
        using (var trainer = BuildPpo(RunDirectory.Open(interrupted.Path), out var env))
        using (env)
        {
            Assert.Equal(PpoRun.TotalTimesteps, new TrainingLoop(trainer, RunDirectory.Open(interrupted.Path), checkpointEvery: 800).Resume());
            Assert.Equal(10, PreferencesOf(trainer).SetAsidePairCount);
            Assert.Equal(30, PreferencesOf(trainer).LabelsUsed);
        }
    }

    // Rounds at steps 400, 800 and 1200: REED's schedule runs a phase before each, the first-update schedule before the
    // first only, also after a resume from the checkpoint at 800 (which comes after the first update).
    [Theory]
    [InlineData(DynamicsEncoderCopy.EveryUpdate, false, 3)]
    [InlineData(DynamicsEncoderCopy.FirstUpdate, false, 1)]
    [InlineData(DynamicsEncoderCopy.EveryUpdate, true, 3)]
    public void A_resumed_reed_ppo_run_ends_equal_to_an_uninterrupted_one_with_the_dynamics_network_its_optimizer_and_its_losses(DynamicsEncoderCopy copy, bool standardize, int phases)
    {
        var reed = SmallReed with { CopyEncoders = copy, Encoder = SmallReed.Encoder with { StandardizeStates = standardize } };
        using var scratch = new TempDirectory();
        Snapshot expected;
        int[][] expectedDynamics;
        var whole = RunDirectory.Create(scratch.Path, EnvId, "ppo", PpoRun.Seed, DateTimeOffset.FromUnixTimeSeconds(1000));
        using (var trainer = BuildPpo(whole, out var env, reed: reed))
        using (env)
        {
            new TrainingLoop(trainer, whole, checkpointEvery: 800).Run();
            expected = Snapshot.Of(trainer, trainer.Ppo.Agent, whole);
            var dynamics = PreferencesOf(trainer).Dynamics!;
            expectedDynamics = Snapshot.Bits(dynamics.Encoder);
            // The last reward update started from the trained encoders, and the preferences moved them on.
            Assert.All(PreferencesOf(trainer).Model.Ensemble.Members, m => Assert.IsType<DynamicsRewardEncoder>(m));
        }
        // One phase was logged per round that ran one, each on more transitions than the last.
        var transitions = expected.Rows[DynamicsMetrics.TransitionsTag].Split('\n').Select(r => double.Parse(r.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(phases, transitions.Length);
        Assert.All(transitions.Zip(transitions.Skip(1)), p => Assert.True(p.First < p.Second, string.Join(", ", transitions)));

        var interrupted = RunDirectory.Create(scratch.Path, EnvId, "ppo", PpoRun.Seed, DateTimeOffset.FromUnixTimeSeconds(2000));
        using (var cancel = new CancellationTokenSource())
        using (var trainer = BuildPpo(interrupted, out var env, reed: reed))
        using (env)
        {
            var loop = new TrainingLoop(trainer, interrupted, checkpointEvery: 800);
            loop.Progress += p => { if (p.GlobalStep >= 800) cancel.Cancel(); };
            loop.Run(cancel.Token);
            Assert.Equal(800, loop.LastCheckpointStep);
        }
        using (var trainer = BuildPpo(RunDirectory.Open(interrupted.Path), out var env, reed: reed))
        using (env)
        {
            var loop = new TrainingLoop(trainer, RunDirectory.Open(interrupted.Path), checkpointEvery: 800);
            Assert.Equal(800, loop.Resume());
            loop.Run();
            expected.AssertEqual(Snapshot.Of(trainer, trainer.Ppo.Agent, interrupted));
            var actual = Snapshot.Bits(PreferencesOf(trainer).Dynamics!.Encoder);
            Assert.Equal(expectedDynamics.Length, actual.Length);
            for (int i = 0; i < actual.Length; i++) Assert.Equal(expectedDynamics[i], actual[i]);
        }
    }

    [Fact]
    public void A_checkpoint_with_and_one_without_reed_cannot_resume_a_run_built_the_other_way()
    {
        using var scratch = new TempDirectory();
        foreach (bool savedWithReed in new[] { true, false })
        {
            var run = RunDirectory.Create(scratch.Path, EnvId, "ppo", PpoRun.Seed, DateTimeOffset.FromUnixTimeSeconds(savedWithReed ? 1000 : 2000));
            using (var cancel = new CancellationTokenSource())
            using (var trainer = BuildPpo(run, out var env, reed: savedWithReed ? SmallReed : null))
            using (env)
            {
                var loop = new TrainingLoop(trainer, run, checkpointEvery: 400);
                loop.Progress += p => { if (p.GlobalStep >= 400) cancel.Cancel(); };
                loop.Run(cancel.Token);
            }
            using var resumed = BuildPpo(RunDirectory.Open(run.Path), out var resumedEnv, reed: savedWithReed ? null : SmallReed);
            using var _ = resumedEnv;
            var error = Assert.Throws<InvalidDataException>(() => new TrainingLoop(resumed, RunDirectory.Open(run.Path), checkpointEvery: 400).Resume());
            Assert.Contains(savedWithReed ? "saved by a run with --reed" : "has no part \"reed_network\"", error.Message);
        }
    }

    static void AssertScoresAlike(Sim.Rewards.Robot.RobotRewardModel model, string path)
    {
        using var saved = Sim.Rewards.Robot.RobotRewardModel.Load(path);
        float[] observations = [1f, 0f, 0.5f, 0f, 1f, -0.5f, -1f, 0f, 8f];
        float[] actions = [0.3f, -1f, 2f];
        var fromMemory = new float[3];
        var fromFile = new float[3];
        model.Rewards(observations, actions, fromMemory);
        saved.Rewards(observations, actions, fromFile);
        Assert.Equal(fromMemory, fromFile);
    }

    // ---------------------------------------------------------------- SAC (PEBBLE)

    static readonly SacConfig SacRun = new() { Seed = 4, NumEnvs = 1, HiddenSize = 16, BatchSize = 32, LearningStarts = 100, BufferSize = 2_000, TotalTimesteps = 1_000, TorchThreads = 1 };

    static PebbleTrainer BuildPebble(RunDirectory run, out IVectorEnv env)
    {
        // Random steps to 100, the state-entropy bonus to 400, then rounds at steps 400 and 700.
        var options = SmallPreferenceRuns.Options(labels: 20, PreferenceTeachers.Oracle) with { UnsupervisedSteps = 300 };
        var schedule = options.ResolveSchedule(SacRun.TotalTimesteps, SacRun.LearningStarts + options.UnsupervisedSteps) with { Interval = 300 };
        var inner = Envs.Envs.Make(EnvId, 1, SacRun.Seed, SacEnvironment.Options(threads: 1));
        var learner = Learner(run, inner, options, schedule);
        env = SacEnvironment.Wrap(inner, e => PreferenceEnvironment.Wrap(e, learner));
        return new PebbleTrainer(new SacTrainer(env, SacRun) { ChunkSteps = 100 }, learner);
    }

    [Fact]
    public void A_pebble_run_resumed_during_unsupervised_pre_training_and_again_after_the_first_round_ends_equal_to_an_uninterrupted_one()
    {
        using var scratch = new TempDirectory();
        Snapshot expected;
        float[] expectedReplayRewards;
        var whole = RunDirectory.Create(scratch.Path, EnvId, "sac", SacRun.Seed, DateTimeOffset.FromUnixTimeSeconds(1000));
        using (var trainer = BuildPebble(whole, out var env))
        using (env)
        {
            new TrainingLoop(trainer, whole, checkpointEvery: 100).Run();
            expected = Snapshot.Of(trainer, trainer.Sac.Agent, whole);
            expectedReplayRewards = trainer.Sac.Replay.Rewards.ToArray();
        }
        Assert.Equal(20, expected.Labels.Length);

        var interrupted = RunDirectory.Create(scratch.Path, EnvId, "sac", SacRun.Seed, DateTimeOffset.FromUnixTimeSeconds(2000));
        foreach (long stopAt in new long[] { 300, 500, SacRun.TotalTimesteps })
        {
            using var cancel = new CancellationTokenSource();
            using var trainer = BuildPebble(RunDirectory.Open(interrupted.Path), out var env);
            using var _ = env;
            var loop = new TrainingLoop(trainer, RunDirectory.Open(interrupted.Path), checkpointEvery: 100);
            if (stopAt > 300) Assert.Equal(stopAt == 500 ? 300 : 500, loop.Resume());
            loop.Progress += p => { if (p.GlobalStep >= stopAt) cancel.Cancel(); };
            loop.Run(cancel.Token);
            Assert.Equal(stopAt, trainer.GlobalStep);
            if (stopAt == 300) Assert.False(PreferencesOf(trainer).HasTrainedModel); // stopped while the bonus drives SAC
            if (stopAt == 500) Assert.Null(trainer.Sac.BatchRewards);         // stopped on the learned reward
            if (stopAt < SacRun.TotalTimesteps) continue;
            expected.AssertEqual(Snapshot.Of(trainer, trainer.Sac.Agent, interrupted));
            Assert.Equal(expectedReplayRewards, trainer.Sac.Replay.Rewards.ToArray());
        }
    }

    // A Christiano PPO run that checkpoints at step 400, after its first round, and stops there.
    static RunDirectory PpoRunStoppedAfterItsFirstCheckpoint(string root)
    {
        var run = RunDirectory.Create(root, EnvId, "ppo", PpoRun.Seed, DateTimeOffset.FromUnixTimeSeconds(1000));
        using var cancel = new CancellationTokenSource();
        using var trainer = BuildPpo(run, out var env);
        using var _ = env;
        var loop = new TrainingLoop(trainer, run, checkpointEvery: 400);
        loop.Progress += p => { if (p.GlobalStep >= 400) cancel.Cancel(); };
        loop.Run(cancel.Token);
        return run;
    }

    [Fact]
    public void A_checkpoint_written_before_member_scales_were_saved_resumes_with_identity_scales()
    {
        using var scratch = new TempDirectory();
        var run = PpoRunStoppedAfterItsFirstCheckpoint(scratch.Path);
        Sim.Rewards.Ensembles.MemberScales saved;
        using (var trainer = BuildPpo(RunDirectory.Open(run.Path), out var env))
        using (env)
        {
            new TrainingLoop(trainer, RunDirectory.Open(run.Path), checkpointEvery: 400).Resume();
            saved = PreferencesOf(trainer).Model.Scales;
        }
        Assert.False(saved.IsIdentity, "the round at step 400 fitted no member scales");

        // Version 1 of the state is version 2 without the scales: cut them out and mark the part version 1.
        string folder = Directory.GetDirectories(run.CheckpointsPath, "step_*").Single();
        var scaleBytes = new MemoryStream();
        using (var writer = new BinaryWriter(scaleBytes)) saved.Write(writer);
        var cut = scaleBytes.ToArray();
        RewritePart(folder, "preference", state =>
        {
            int at = state.AsSpan().IndexOf(cut);
            Assert.True(at > 0 && state.AsSpan(at + 1).IndexOf(cut) < 0, "the saved scales are not in the state exactly once");
            var old = state[..at].Concat(state[(at + cut.Length)..]).ToArray();
            BitConverter.GetBytes(1).CopyTo(old, 0);
            return old;
        });

        using (var trainer = BuildPpo(RunDirectory.Open(run.Path), out var env))
        using (env)
        {
            Assert.Equal(400, new TrainingLoop(trainer, RunDirectory.Open(run.Path), checkpointEvery: 400).Resume());
            Assert.True(PreferencesOf(trainer).Model.Scales.IsIdentity);
            Assert.True(PreferencesOf(trainer).HasTrainedModel);
        }

        // A version this build does not know is named.
        RewritePart(folder, "preference", state => { BitConverter.GetBytes(3).CopyTo(state, 0); return state; });
        using var newer = BuildPpo(RunDirectory.Open(run.Path), out var newerEnv);
        using var _ = newerEnv;
        var error = Assert.Throws<InvalidDataException>(() => new TrainingLoop(newer, RunDirectory.Open(run.Path), checkpointEvery: 400).Resume());
        Assert.Contains("preference learner state version = 3: expected 1 or 2", error.Message);
    }

    // Replaces a part's bytes and its length and hash in the manifest, as a build that wrote them so would have.
    static void RewritePart(string checkpointFolder, string name, Func<byte[], byte[]> change)
    {
        string file = Path.Combine(checkpointFolder, name + ".bin");
        var bytes = change(File.ReadAllBytes(file));
        File.WriteAllBytes(file, bytes);
        string manifestPath = Path.Combine(checkpointFolder, CheckpointStore.ManifestFileName);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        var parts = manifest.First(p => p.Key.Equals("Parts", StringComparison.OrdinalIgnoreCase)).Value!.AsArray();
        var entry = parts.Select(p => p!.AsObject()).Single(p => p.First(f => f.Key.Equals("Name", StringComparison.OrdinalIgnoreCase)).Value!.GetValue<string>() == name);
        string Key(string field) => entry.First(f => f.Key.Equals(field, StringComparison.OrdinalIgnoreCase)).Key;
        entry[Key("Length")] = bytes.Length;
        entry[Key("XxHash64")] = Convert.ToHexStringLower(System.IO.Hashing.XxHash64.Hash(bytes));
        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }

    [Fact]
    public void A_checkpoint_from_a_run_built_otherwise_is_refused_naming_the_part_and_the_mismatch()
    {
        using var scratch = new TempDirectory();
        var run = PpoRunStoppedAfterItsFirstCheckpoint(scratch.Path);
        // Same PPO, but a history that keeps another number of episodes.
        using var resumed = BuildPpo(RunDirectory.Open(run.Path), out var resumedEnv, recentEpisodes: 50);
        using var _ = resumedEnv;
        var error = Assert.Throws<InvalidDataException>(() => new TrainingLoop(resumed, RunDirectory.Open(run.Path), checkpointEvery: 400).Resume());
        Assert.Contains("\"episode_history\"", error.Message);
        Assert.Contains("episodes kept: the state has 100, expected 50", error.Message);
    }

    [Fact]
    public void A_checkpoint_of_a_run_on_the_env_reward_cannot_resume_a_preference_run_and_says_why()
    {
        using var scratch = new TempDirectory();
        var run = RunDirectory.Create(scratch.Path, EnvId, "ppo", PpoRun.Seed, DateTimeOffset.FromUnixTimeSeconds(1000));
        var config = PpoRun with { TotalTimesteps = 400 };
        using (var env = PpoEnvironment.Wrap(Envs.Envs.Make(EnvId, config.NumEnvs, config.Seed, PpoEnvironment.Options(threads: 1)), config))
        using (var plain = new PpoTrainer(env, config))
            new TrainingLoop(plain, run, checkpointEvery: 400).Run();

        using var trainer = BuildPpo(RunDirectory.Open(run.Path), out var preferenceEnv);
        using var _ = preferenceEnv;
        var error = Assert.Throws<InvalidDataException>(() => new TrainingLoop(trainer, RunDirectory.Open(run.Path), checkpointEvery: 400).Resume());
        Assert.Contains("has no part", error.Message);
        Assert.Contains("start a new run", error.Message);
    }

    /// <summary>What must match between an uninterrupted run and a resumed one.</summary>
    sealed record Snapshot(int[][] Policy, int[][] RewardMembers, (long Pair, int Label)[] Labels, Dictionary<string, string> Rows)
    {
        public static Snapshot Of(PreferenceTrainer trainer, torch.nn.Module policy, RunDirectory run)
        {
            var labels = new List<(long, int)>();
            using (var store = SegmentCodec.OpenStore(Path.Combine(run.Path, "labels.db")))
                foreach (var label in store.GetLabeledPairs(includeSkipped: true)) labels.Add((label.Pair.Id, (int)label.Label));
            return new Snapshot(
                Bits(policy),
                PreferencesOf(trainer).Model.Ensemble.Members.SelectMany(Bits).ToArray(),
                labels.ToArray(),
                ComparedTags.ToDictionary(t => t, t => MetricRows(run, t)));
        }

        // Labels are compared by answer in order, leaving out the pairs (After, Through] the resumed run set aside.
        public void AssertEqual(Snapshot actual, long setAsideAfter = 0, long setAsideThrough = 0)
        {
            Assert.Equal(Policy.Length, actual.Policy.Length);
            for (int i = 0; i < Policy.Length; i++) Assert.Equal(Policy[i], actual.Policy[i]);
            Assert.Equal(RewardMembers.Length, actual.RewardMembers.Length);
            for (int i = 0; i < RewardMembers.Length; i++) Assert.Equal(RewardMembers[i], actual.RewardMembers[i]);
            var kept = actual.Labels.Where(l => l.Pair <= setAsideAfter || l.Pair > setAsideThrough).ToArray();
            Assert.Equal(Labels.Select(l => l.Label), kept.Select(l => l.Label));
            foreach (var (tag, rows) in Rows) Assert.Equal(rows, actual.Rows[tag]);
        }

        public static int[][] Bits(torch.nn.Module module) =>
            module.parameters().Concat(module.buffers()).Select(p => MemoryMarshal.Cast<float, int>(p.detach().cpu().data<float>().ToArray()).ToArray()).ToArray();

        static string MetricRows(RunDirectory run, string tag) =>
            string.Join("\n", File.ReadLines(run.MetricsPath).Skip(1)
                .Select(l => l.Split(','))
                .Where(f => f[1] == tag)
                .Select(f => f[0] + "," + f[2]));
    }
}
