using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;
using static Sim.Learning.Tests.Rewards.Preferences.TestSegments;

namespace Sim.Learning.Tests.Rewards.Preferences;

public class ScriptedTeacherTests
{
    [Fact]
    public void OraclePrefersTheLargerReturnAndLeftOnATie()
    {
        var oracle = ScriptedTeacher.Oracle();
        Assert.Equal("teacher:oracle", oracle.LabelerId);
        Assert.Equal(PreferenceLabel.Left, oracle.Answer(WithRewards(1, 1, 1), WithRewards(0, 0, 2)));
        Assert.Equal(PreferenceLabel.Right, oracle.Answer(WithRewards(0, 0, 2), WithRewards(1, 1, 1)));
        Assert.Equal(PreferenceLabel.Left, oracle.Answer(WithRewards(1, 2), WithRewards(2, 1)));
    }

    [Fact]
    public void DiscountedReturnWeighsTheLastStepMost()
    {
        // 0.9² · 1 + 0.9 · 2 + 3 = 0.81 + 1.8 + 3
        Assert.Equal(5.61, ScriptedTeacher.DiscountedReturn([1, 2, 3], 0.9), 12);
        Assert.Equal(6.0, ScriptedTeacher.DiscountedReturn([1, 2, 3], 1.0), 12);
    }

    [Fact]
    public void MyopicTeacherFlipsAPairTheOracleAnswersTheOtherWay()
    {
        var early = WithRewards(1, 1, 1); // R = 3; with γ = 0.5: 0.25 + 0.5 + 1 = 1.75
        var late = WithRewards(0, 0, 2);  // R = 2; with γ = 0.5: 2
        Assert.Equal(PreferenceLabel.Left, ScriptedTeacher.Oracle().Answer(early, late));
        var myopic = ScriptedTeacher.Myopic(gamma: 0.5);
        Assert.Equal("teacher:myopic", myopic.LabelerId);
        Assert.Equal(PreferenceLabel.Right, myopic.Answer(early, late));
        // With B-Pref's γ = 0.9: 0.81 + 0.9 + 1 = 2.71 > 2, so this pair stays Left.
        Assert.Equal(PreferenceLabel.Left, ScriptedTeacher.Myopic().Answer(early, late));
    }

    [Fact]
    public void SkipTeacherSkipsWhenNeitherReturnExceedsDelta()
    {
        var a = WithRewards(1, 1);  // 2
        var b = WithRewards(0.5f, 0.5f); // 1
        var skip = ScriptedTeacher.Skip(delta: 2.5);
        Assert.Equal("teacher:skip", skip.LabelerId);
        Assert.Equal(PreferenceLabel.Skip, skip.Answer(a, b));
        skip.SkipThreshold = 2.0; // max(R0, R1) = 2 ≤ 2: still skipped
        Assert.Equal(PreferenceLabel.Skip, skip.Answer(a, b));
        skip.SkipThreshold = 1.5;
        Assert.Equal(PreferenceLabel.Left, skip.Answer(a, b));
        Assert.Equal(PreferenceLabel.Right, skip.Answer(b, a));
    }

    [Fact]
    public void EqualTeacherAnswersEqualWhenReturnsAreWithinDelta()
    {
        var equal = ScriptedTeacher.Equal(delta: 0.5);
        Assert.Equal("teacher:equal", equal.LabelerId);
        Assert.Equal(PreferenceLabel.Equal, equal.Answer(WithRewards(1, 2), WithRewards(1.3f, 1.3f))); // |3 − 2.6| = 0.4
        Assert.Equal(PreferenceLabel.Left, equal.Answer(WithRewards(1, 2), WithRewards(1, 1)));        // |3 − 2| = 1
        Assert.Equal(PreferenceLabel.Right, equal.Answer(WithRewards(1, 1), WithRewards(1, 2)));
    }

    [Fact]
    public void MistakeTeacherFlipsAtItsRate()
    {
        var better = WithRewards(1, 1);
        var worse = WithRewards(0, 0);
        var always = new ScriptedTeacher(new ScriptedTeacherOptions { LabelerId = "teacher:always-wrong", MistakeProbability = 1.0 });
        Assert.Equal(PreferenceLabel.Right, always.Answer(better, worse));
        Assert.Equal(PreferenceLabel.Left, always.Answer(worse, better));

        var mistake = ScriptedTeacher.Mistake(0.1, seed: 5);
        Assert.Equal("teacher:mistake", mistake.LabelerId);
        const int n = 20_000;
        int flipped = 0;
        for (int i = 0; i < n; i++)
            if (mistake.Answer(better, worse) == PreferenceLabel.Right) flipped++;
        // Binomial(20000, 0.1): std 42, so ±300 is over 7 std.
        Assert.InRange(flipped, 1700, 2300);
    }

    [Fact]
    public void EqualOverridesAMistakeAsInBPref()
    {
        var teacher = new ScriptedTeacher(new ScriptedTeacherOptions { LabelerId = "teacher:mixed", MistakeProbability = 1.0, EqualThreshold = 0.5 });
        Assert.Equal(PreferenceLabel.Equal, teacher.Answer(WithRewards(1, 1), WithRewards(1, 1.2f)));
        Assert.Equal(PreferenceLabel.Right, teacher.Answer(WithRewards(1, 1), WithRewards(0, 0)));
    }

    [Fact]
    public void StochasticTeacherSamplesTheSoftmaxOfReturns()
    {
        // β = 1, R0 = 0, R1 = ln 3: softmax gives P(right) = 3 / (1 + 3) = 0.75.
        var left = WithRewards(0);
        var right = WithRewards((float)Math.Log(3));
        var teacher = ScriptedTeacher.Stochastic(beta: 1.0, seed: 11);
        Assert.Equal("teacher:stochastic", teacher.LabelerId);
        const int n = 20_000;
        int rights = 0;
        for (int i = 0; i < n; i++)
            if (teacher.Answer(left, right) == PreferenceLabel.Right) rights++;
        // Binomial(20000, 0.75): std 61, so ±400 is over 6 std.
        Assert.InRange(rights, 14_600, 15_400);
    }

    [Fact]
    public void AnswersAreDeterministicGivenTheSeed()
    {
        var left = WithRewards(0.2f, 0.1f);
        var right = WithRewards(0.1f, 0.3f);
        static PreferenceLabel[] Run(ulong seed, Segment l, Segment r)
        {
            var teacher = new ScriptedTeacher(new ScriptedTeacherOptions { LabelerId = "teacher:noisy", Beta = 1.0, MistakeProbability = 0.3 }, seed);
            return Enumerable.Range(0, 64).Select(_ => teacher.Answer(l, r)).ToArray();
        }
        Assert.Equal(Run(3, left, right), Run(3, left, right));
        Assert.NotEqual(Run(3, left, right), Run(4, left, right));
    }

    [Fact]
    public void ThresholdIsEpsilonTimesTheReturnOfAnAverageSegment()
    {
        // 0.1 · 1000 · 50 / 1000
        Assert.Equal(5.0, TeacherThresholds.Compute(0.1, 1000, 1000, 50), 12);
        // 0.1 · 300 · 50 / 200
        Assert.Equal(7.5, TeacherThresholds.Compute(0.1, 300, 200, 50), 12);

        var skip = ScriptedTeacher.Skip(0);
        var oracle = ScriptedTeacher.Oracle();
        skip.UpdateThresholds(meanEpisodeReturn: 300, meanEpisodeLength: 200, segmentLength: 50);
        oracle.UpdateThresholds(300, 200, 50);
        Assert.Equal(7.5, skip.SkipThreshold!.Value, 12);
        Assert.Null(skip.EqualThreshold);
        Assert.Null(oracle.SkipThreshold);
    }

    [Fact]
    public void BadSettingsAreRejectedByName()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedTeacher.Myopic(gamma: 1.5));
        Assert.Contains("1.5", ex.Message);
        Assert.Contains("(0, 1]", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedTeacher.Mistake(epsilon: -0.1));
        Assert.Contains("-0.1", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => TeacherThresholds.Compute(0.1, 100, 0, 50));
        Assert.Contains("mean episode length is 0", ex.Message);
        var arg = Assert.Throws<ArgumentException>(() => ScriptedTeacher.Oracle().Answer(WithRewards(1, 2), WithRewards(1)));
        Assert.Contains("2 and 1 steps", arg.Message);
    }
}
