using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo.Goal;
using Sim.Feedback;
using Sim.Foundation;
using Sim.Learning.Preferences;
using Sim.LlmStandIn;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;

namespace Sim.Learning.Tests.Oni;

/// <summary>The LLM preference teacher against the stand-in LLM (a chat-completions server on 127.0.0.1 whose model is a
/// keyword rule), and the captions it reads from the episode history's segments.</summary>
public sealed class LlmTeacherTests : StandInLlmTest
{
    sealed class RecordingSink : ILabelSink
    {
        public readonly Dictionary<long, (PreferenceLabel Label, string Labeler)> Labels = new();

        public long RecordLabel(long pairId, PreferenceLabel label, string labelerId, DateTimeOffset? labeledAt = null)
        {
            lock (Labels) Labels.Add(pairId, (label, labelerId));
            return pairId;
        }
    }

    static Segment Captioned(params string[] captions) => new()
    {
        Source = "test", EnvId = "ArmPush-v1", Length = captions.Length, ObservationSize = 1, ActionSize = 1,
        Observations = new float[captions.Length], Actions = new float[captions.Length], TrueRewards = new float[captions.Length],
        Captions = captions,
    };

    [Fact]
    public void A_segment_is_described_by_its_distinct_captions_in_order()
    {
        Assert.Equal("the gripper touched the puck; the puck moved closer to the target",
            LlmTeacher.Describe(Captioned("", "the gripper touched the puck", "the puck moved closer to the target", "", "the gripper touched the puck")));
        Assert.Equal("", LlmTeacher.Describe(Captioned("", "")));
    }

    [Fact]
    public async Task Answers_arrive_later_in_the_sink_as_the_rule_ranks_the_segments()
    {
        using var teacher = LlmTeacher.Create(new LlmOptions { BaseUrl = Server.BaseUrl.ToString(), Model = "stand-in" }, Path.Combine(Folder.Path, "a.db"));
        var sink = new RecordingSink();
        var pairs = new[]
        {
            new PreferencePair<Segment>(1, Captioned("the puck reached the target"), Captioned("the puck moved away from the target")),
            new PreferencePair<Segment>(2, Captioned("the hopper fell"), Captioned("", "the puck moved closer to the target")),
            new PreferencePair<Segment>(3, Captioned("", ""), Captioned("")),
        };
        teacher.Ask(pairs, sink);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (teacher.PendingCount > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, teacher.PendingCount);
        Assert.Equal((PreferenceLabel.Left, "teacher:llm:stand-in"), sink.Labels[1]);
        Assert.Equal(PreferenceLabel.Right, sink.Labels[2].Label);
        Assert.Equal(PreferenceLabel.Equal, sink.Labels[3].Label);
        Assert.Equal(3, teacher.Counters.Answered);
    }

    [Fact]
    public void Episode_history_segments_carry_the_steps_captions_through_a_save_and_load()
    {
        using var env = new ArmPush(2, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        var options = new EpisodeHistoryOptions { EnvId = "ArmPush-v1", NumEnvs = 2, ObservationSize = env.SingleObservationSpace.FlatSize, ActionSize = 3, SegmentLength = 10, MaxEpisodeSteps = 100 };
        var history = new EpisodeHistory(options);
        using var recorded = new EpisodeHistoryRecorder(new TimeLimit(env, 40), history);
        recorded.Reset(3);
        var rng = new Random(4);
        var actions = new float[6];
        var captionsOfEnv0 = new List<string>();
        for (int t = 0; t < 40; t++)
        {
            for (int k = 0; k < actions.Length; k++) actions[k] = (float)(rng.NextDouble() * 2 - 1);
            recorded.Step(actions);
            captionsOfEnv0.Add(env.Infos.Captions!.Text(0));
        }
        var random = new SimRandom(9);
        var segment = history.SampleSegment(ref random);
        Assert.Equal(10, segment.Captions.Length);
        Assert.Contains(segment.Captions, c => c.Length > 0);
        if (segment.Episode == 0) Assert.Equal(captionsOfEnv0.Skip(segment.StartStep).Take(10), segment.Captions);

        using var stream = new MemoryStream();
        history.Save(new BinaryWriter(stream));
        var restored = new EpisodeHistory(options);
        stream.Position = 0;
        restored.Load(new BinaryReader(stream));
        var again = new SimRandom(9);
        Assert.Equal(segment.Captions, restored.SampleSegment(ref again).Captions);
    }
}
