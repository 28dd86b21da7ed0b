using Sim.Rewards.Normalization;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot.Dynamics;

namespace Sim.Learning.Preferences;

/// <summary>How a run learns its reward from preferences: who answers, how many questions, which pairs, and when.</summary>
/// <remarks>Unset schedule fields are derived from the run's length by <see cref="ResolveSchedule"/>: ten rounds, the
/// first when the first segments exist, the last by half-way through the run, so the policy has time to follow the
/// final reward.</remarks>
public sealed record PreferenceLearningOptions
{
    /// <summary>Who answers the queries: a scripted teacher (<see cref="PreferenceTeachers.Names"/>) or people on the
    /// labeling site (<see cref="PreferenceTeachers.Human"/>).</summary>
    public string Teacher { get; init; } = PreferenceTeachers.Oracle;

    /// <summary>The OpenAI-compatible server that answers when <see cref="Teacher"/> is <see cref="PreferenceTeachers.Llm"/>
    /// (never the key itself, only the name of its environment variable); null otherwise.</summary>
    public Sim.Feedback.LlmOptions? Llm { get; init; }

    /// <summary>Total queries over the run (PEBBLE: 500–1000 on walker).</summary>
    public int Labels { get; init; } = 500;

    /// <summary>How rounds after the first choose their pairs (the first is always uniform).</summary>
    public QuerySelection Sampler { get; init; } = QuerySelection.Disagreement;

    /// <summary>Steps per segment H (PEBBLE: 50).</summary>
    public int SegmentLength { get; init; } = 50;

    /// <summary>Queries per round B; null for a tenth of <see cref="Labels"/>.</summary>
    public int? LabelsPerRound { get; init; }

    /// <summary>Env steps between rounds K; null to spread the rounds over the first half of the run.</summary>
    public long? RoundInterval { get; init; }

    /// <summary>Env step of the first round; null for the algorithm's default (SAC: after the random and unsupervised
    /// steps; PPO: after the first rollout).</summary>
    public long? FirstRoundStep { get; init; }

    /// <summary>SAC only: steps of unsupervised pre-training on the state-entropy bonus after the random warm-up (PEBBLE: 5–9k).</summary>
    public long UnsupervisedSteps { get; init; } = 9_000;

    /// <summary>Pairs labelled by an oracle each round only to measure the model's accuracy; never trained on, not counted in <see cref="Labels"/>.</summary>
    public int HeldOutPairs { get; init; } = 200;

    /// <summary>Reward-model ensemble members K.</summary>
    public int EnsembleMembers { get; init; } = 3;

    /// <summary>Candidate pairs drawn per selected pair by the disagreement and entropy samplers.</summary>
    public int CandidateFactor { get; init; } = 10;

    /// <summary>Recent episodes queries are cut from (PEBBLE: 100).</summary>
    public int RecentEpisodes { get; init; } = 100;

    /// <summary>How the learned reward is rescaled for the policy; by default to mean 1 and standard deviation 1 per step,
    /// so that living is worth something on envs whose episodes can end early (see <see cref="RewardNormalization.UnitMean"/>).</summary>
    public RewardNormalization Normalization { get; init; } = RewardNormalization.UnitMean;

    /// <summary>Whether each step reward passes through tanh, as in PEBBLE's network. Off by default: with few labels an
    /// unbounded output generalised better to held-out pairs in our runs (see docs/benchmarks.md).</summary>
    public bool TanhOutput { get; init; }

    /// <summary>REED: when set, the reward network's state and action encoders learn the env's dynamics from every
    /// transition before each reward update (<c>--reed</c>); null learns from the labels alone.</summary>
    public DynamicsPretrainingOptions? Reed { get; init; }

    /// <summary>With people answering: pause training while more than this many asked pairs are unanswered; null keeps
    /// training on the current reward model however many are outstanding.</summary>
    public int? LabelWait { get; init; }

    /// <summary>With people answering: leave out the answers of labelers whose accuracy on gold pairs is below this share
    /// (once they have answered enough gold pairs to tell); null trains on everyone's.</summary>
    public double? MinGoldAccuracy { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad field and what was expected.</summary>
    public void Validate()
    {
        if (!PreferenceTeachers.TeacherNames.Contains(Teacher))
            throw new ArgumentException($"teacher '{Teacher}': expected one of {string.Join(", ", PreferenceTeachers.TeacherNames)}");
        if (Teacher == PreferenceTeachers.Llm && Llm is null)
            throw new ArgumentException("teacher 'llm' without LLM settings: expected an Llm section with the server's BaseUrl and Model");
        if (Llm?.FindProblem() is { } llmProblem) throw new ArgumentException(llmProblem);
        Require(LabelWait is null or >= 0, nameof(LabelWait), LabelWait, "expected 0 or more outstanding answers");
        Require(MinGoldAccuracy is null or (>= 0 and <= 1), nameof(MinGoldAccuracy), MinGoldAccuracy, "expected a share in 0..1");
        Require(Labels >= 1, nameof(Labels), Labels, "expected at least 1 query");
        Require(Enum.IsDefined(Sampler), nameof(Sampler), Sampler, "expected uniform, disagreement or entropy");
        Require(SegmentLength >= 1, nameof(SegmentLength), SegmentLength, "expected at least 1 step");
        Require(LabelsPerRound is null or >= 1, nameof(LabelsPerRound), LabelsPerRound, "expected at least 1 query per round");
        // A round larger than the whole budget would ask fewer than it says, or nothing at all.
        Require(LabelsPerRound is null || LabelsPerRound <= Labels, nameof(LabelsPerRound), LabelsPerRound, $"expected at most the label budget ({Labels}) per round");
        Require(RoundInterval is null or >= 1, nameof(RoundInterval), RoundInterval, "expected at least 1 env step between rounds");
        Require(FirstRoundStep is null or >= 0, nameof(FirstRoundStep), FirstRoundStep, "expected 0 or more env steps");
        Require(UnsupervisedSteps >= 0, nameof(UnsupervisedSteps), UnsupervisedSteps, "expected 0 or more env steps");
        Require(HeldOutPairs >= 0, nameof(HeldOutPairs), HeldOutPairs, "expected 0 or more pairs");
        Require(EnsembleMembers >= 1, nameof(EnsembleMembers), EnsembleMembers, "expected at least 1 member");
        Require(CandidateFactor >= 1, nameof(CandidateFactor), CandidateFactor, "expected at least 1 candidate per selected pair");
        Require(RecentEpisodes >= 2, nameof(RecentEpisodes), RecentEpisodes, "expected at least 2 episodes to draw pairs from");
        Require(Enum.IsDefined(Normalization), nameof(Normalization), Normalization, "expected None, Scale, Standardize or UnitMean");
        Reed?.Validate();
    }

    /// <summary>The query schedule for a run of <paramref name="totalSteps"/> whose first round falls at
    /// <paramref name="defaultFirstRound"/> unless <see cref="FirstRoundStep"/> says otherwise.</summary>
    public QueryScheduleOptions ResolveSchedule(long totalSteps, long defaultFirstRound)
    {
        long first = FirstRoundStep ?? defaultFirstRound;
        int perRound = LabelsPerRound ?? Math.Max(1, (Labels + 9) / 10);
        int rounds = (Labels + perRound - 1) / perRound;
        long interval = RoundInterval ?? Math.Max(1_000, rounds <= 1 ? totalSteps : (totalSteps / 2 - first) / (rounds - 1));
        return new QueryScheduleOptions
        {
            TotalBudget = Labels,
            FirstRoundStep = first,
            BatchSize = perRound,
            Interval = interval,
            Selection = Sampler,
        };
    }

    static void Require(bool ok, string name, object? value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} = {value}: {expected}");
    }
}
