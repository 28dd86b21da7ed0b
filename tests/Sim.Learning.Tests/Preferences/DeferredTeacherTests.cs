using Sim.Learning.Ppo;
using Sim.Learning.Preferences;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;
using Sim.Rewards.Teachers;

namespace Sim.Learning.Tests.Preferences;

/// <summary>Drives the real preference loop with a teacher that answers later, as a person in a browser or an LLM
/// would: the loop must keep training while pairs are pending and learn from the answers once they arrive.</summary>
public sealed class DeferredTeacherTests
{
    /// <summary>Keeps every pair it is asked, and answers them (by the larger true return) only when told to, from
    /// another thread.</summary>
    sealed class LaterTeacher : IPreferenceTeacher<Segment>
    {
        readonly List<PreferencePair<Segment>> _waiting = [];
        ILabelSink? _answers;

        public string LabelerId => "human:later";

        public int Waiting
        {
            get { lock (_waiting) return _waiting.Count; }
        }

        public void Ask(IReadOnlyList<PreferencePair<Segment>> pairs, ILabelSink answers)
        {
            lock (_waiting)
            {
                _waiting.AddRange(pairs);
                _answers = answers;
            }
        }

        public void AnswerFromAnotherThread()
        {
            var thread = new Thread(() =>
            {
                lock (_waiting)
                {
                    foreach (var pair in _waiting)
                    {
                        var label = pair.Left.TrueReturn >= pair.Right.TrueReturn ? PreferenceLabel.Left : PreferenceLabel.Right;
                        _answers!.RecordLabel(pair.Id, label, LabelerId);
                    }
                    _waiting.Clear();
                }
            });
            thread.Start();
            thread.Join();
        }
    }

    [Fact]
    public void Training_goes_on_while_pairs_are_pending_and_the_model_learns_once_answers_arrive()
    {
        using var scratch = new TempDirectory();
        var config = new PpoConfig { Seed = 4, NumEnvs = 2, NumSteps = 200, NumMinibatches = 2, UpdateEpochs = 1, TotalTimesteps = 5 * 400, TorchThreads = 1 };
        var options = SmallPreferenceRuns.Options(labels: 10);
        var schedule = options.ResolveSchedule(config.TotalTimesteps, defaultFirstRound: config.BatchSize) with { Interval = 400 };
        var teacher = new LaterTeacher();
        var inner = Envs.Envs.Make("Pendulum-v1", config.NumEnvs, config.Seed, PpoEnvironment.Options(threads: 1));
        var learner = SmallPreferenceRuns.Learner(scratch, inner, options, schedule, teacher);
        using var env = PpoEnvironment.Wrap(inner, config, e => PreferenceEnvironment.Wrap(e, learner));
        using var trainer = new PreferencePpoTrainer(new PpoTrainer(env, config), learner);
        var metrics = new RecordingMetrics();

        while (learner.LabelsUsed < 10) trainer.RunChunk(metrics);
        // Asked and stored, not answered: the loop went on without a model, and keeps going.
        trainer.RunChunk(metrics);
        Assert.Equal(10, teacher.Waiting);
        Assert.Equal(10, learner.PendingPairCount);
        Assert.False(learner.HasTrainedModel);
        Assert.Empty(metrics.Values("reward/accuracy"));
        long stepBeforeAnswers = trainer.GlobalStep;

        teacher.AnswerFromAnotherThread();
        trainer.RunChunk(metrics);

        // The next chunk found the answers in the store and trained on them, with no new round due (the budget is spent).
        Assert.Equal(0, learner.PendingPairCount);
        Assert.True(learner.HasTrainedModel);
        Assert.Equal(10, learner.LabelsUsed);
        Assert.Equal(10.0, Assert.Single(metrics.Values("reward/labels")));
        Assert.True(trainer.GlobalStep > stepBeforeAnswers);
        using var store = SegmentCodec.OpenStoreReadOnly(scratch.File("labels.db"));
        Assert.All(store.GetLabeledPairs(), l => Assert.Equal("human:later", l.LabelerId));
        Assert.Equal(10, store.GetLabeledPairs().Count);

        // No answer arrived since, so later chunks do not retrain.
        trainer.RunChunk(metrics);
        Assert.Single(metrics.Values("reward/accuracy"));
    }
}
