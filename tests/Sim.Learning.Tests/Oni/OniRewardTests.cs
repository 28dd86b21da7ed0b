using Sim.Core;
using Sim.Envs.MuJoCo;
using Sim.Envs.MuJoCo.Goal;
using Sim.Feedback;
using Sim.Learning.Oni;
using Sim.LlmStandIn;

namespace Sim.Learning.Tests.Oni;

/// <summary>ONI's caption rewards and their combination, asked through the stand-in LLM (a chat-completions server on
/// 127.0.0.1 whose model is a keyword rule: captions naming "reached", "closer", "touched" or "on the target" are good,
/// those naming "away", "fell" or "on its back" bad).</summary>
public sealed class OniRewardTests : StandInLlmTest
{
    OniOptions Options(OniRewardModelKind kind) => new()
    {
        Model = kind,
        Llm = new LlmOptions { BaseUrl = Server.BaseUrl.ToString(), Model = "stand-in", MaxRetries = 0 },
        UpdateEvery = 1,
    };

    /// <summary>Shows every caption once, waits for the service, and refreshes the model.</summary>
    static async Task ObserveAllAndRefresh(OniRewardLearner learner)
    {
        for (int code = 1; code <= learner.Model.Vocabulary.Count; code++) learner.Model.Observe(code);
        Assert.True(await learner.Service.DrainAsync(TimeSpan.FromSeconds(30)), learner.Service.LastError);
        learner.Model.Refresh();
    }

    // ArmPush's captions in code order and what the keyword rule says of each, written out by hand.
    static readonly float[] ArmPushRule = [0, 1, 1, 1, 0, 1, 1];

    [Fact]
    public async Task Retrieval_pays_the_llm_label_and_nothing_before_it_arrives()
    {
        using var learner = new OniRewardLearner(Options(OniRewardModelKind.Retrieval), ArmPushCaptionsVocabulary, Path.Combine(Folder.Path, "a.db"), 1);
        learner.Model.Refresh();
        Assert.All(learner.Model.Rewards, r => Assert.Equal(0f, r));
        await ObserveAllAndRefresh(learner);
        Assert.Equal(ArmPushRule, learner.Model.Rewards);
    }

    [Fact]
    public async Task Classification_learns_the_labels_and_pays_one_for_p_above_a_half()
    {
        using var learner = new OniRewardLearner(Options(OniRewardModelKind.Classification), ArmPushCaptionsVocabulary, Path.Combine(Folder.Path, "c.db"), 1);
        await ObserveAllAndRefresh(learner);
        Assert.Equal(ArmPushRule, learner.Model.Rewards);
        var report = ((ClassificationCaptionReward)learner.Model).LastReport;
        Assert.NotNull(report);
        Assert.Equal(1.0, report.Accuracy);
    }

    [Fact]
    public async Task Ranking_orders_good_captions_above_bad_ones()
    {
        using var learner = new OniRewardLearner(Options(OniRewardModelKind.Ranking), ArmPushCaptionsVocabulary, Path.Combine(Folder.Path, "r.db"), 1);
        await ObserveAllAndRefresh(learner);
        var ranking = (RankingCaptionReward)learner.Model;
        // 6 captions: 15 pairs asked once each.
        Assert.Equal(15, learner.Counters.Answered);
        // The one bad caption (code 4, "moved away") scores below every good one, and lies so far below the mean of the
        // five good ones that its normalised reward is floored to 0.
        for (int code = 1; code <= 6; code++)
            if (code != 4) Assert.True(ranking.Scores[code] > ranking.Scores[4], $"caption {code} scored {ranking.Scores[code]}, the bad one {ranking.Scores[4]}");
        Assert.Equal(0f, ranking.Rewards[4]);
        Assert.Equal(1.0, ranking.LastReport!.Accuracy);
    }

    [Theory]
    [InlineData(1.0f, 0.5, 0.25, 2.0f)]
    [InlineData(0.4f, 0.5, 0.25, -0.4f)]   // above the floor: kept
    [InlineData(0.0f, 0.5, 0.25, 0.0f)]    // -2 is below -0.5: set to 0
    [InlineData(0.375f, 0.5, 0.25, -0.5f)] // exactly the floor is kept
    public void Ranking_normalises_by_mean_and_std_and_floors_below_minus_a_half(float score, double mean, double std, float expected) =>
        Assert.Equal(expected, RankingCaptionReward.Normalise(score, mean, std), 5);

    static IReadOnlyList<string> ArmPushCaptionsVocabulary => Sim.Envs.MuJoCo.Captions.ArmPushCaptions.Vocabulary;

    /// <summary>A caption reward fixed by the test: code k pays k / 10.</summary>
    sealed class TableReward(IReadOnlyList<string> vocabulary) : CaptionRewardModel(vocabulary)
    {
        public override OniRewardModelKind Kind => OniRewardModelKind.Retrieval;
        protected override void OnFirstSeen(int code) { }
        protected override void Recompute(float[] rewards) { for (int c = 1; c < rewards.Length; c++) rewards[c] = c / 10f; }
    }

    [Fact]
    public void The_wrapper_adds_c_llm_times_the_caption_reward_over_its_episode_count_to_the_weighted_env_reward()
    {
        const int n = 4;
        using var env = new ArmPush(n, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        var model = new TableReward(env.Infos.Captions!.Vocabulary);
        model.Refresh();
        var options = Options(OniRewardModelKind.Retrieval) with { ExtrinsicCoefficient = 0.5, IntrinsicCoefficient = 0.4, CountExponent = 3 };
        using var wrapper = new OniRewardWrapper(env, model, options);
        wrapper.Reset(7);
        var counts = new Dictionary<(int, int), int>();
        var rng = new Random(1);
        var actions = new float[3 * n];
        int captioned = 0;
        for (int t = 0; t < 150; t++)
        {
            for (int k = 0; k < actions.Length; k++) actions[k] = (float)(rng.NextDouble() * 2 - 1);
            wrapper.Step(actions);
            for (int i = 0; i < n; i++)
            {
                int code = env.Infos.Captions.Codes[i];
                double intrinsic = 0;
                if (code != 0)
                {
                    captioned++;
                    int count = counts[(i, code)] = counts.GetValueOrDefault((i, code)) + 1;
                    intrinsic = 0.4 * (code / 10.0) / (count * count * count);
                }
                Assert.Equal((float)(0.5 * env.Rewards[i] + intrinsic), wrapper.Rewards[i], 5);
                Assert.Equal((float)intrinsic, env.Infos.Value(OniRewardWrapper.IntrinsicRewardKey)[i], 5);
                if (wrapper.Terminated[i] || wrapper.Truncated[i])
                    foreach (var key in counts.Keys.Where(k => k.Item1 == i).ToList()) counts.Remove(key);
            }
        }
        Assert.True(captioned > 50, $"only {captioned} captioned steps");
    }

    [Fact]
    public void A_task_without_captions_is_refused_by_name()
    {
        using var env = new InvertedPendulum(1);
        var e = Assert.Throws<ArgumentException>(() => new OniRewardWrapper(env, new FrozenCaptionReward([], OniRewardModelKind.Retrieval), Options(OniRewardModelKind.Retrieval)));
        Assert.Contains("emits no event captions", e.Message);
    }
}
