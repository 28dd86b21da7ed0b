using Sim.Core.Checking;
using Sim.Core.Spaces;
using Sim.Core.Tests.Fakes;

namespace Sim.Core.Tests.Vector;

/// <summary>The env checker finds what a misbehaving env breaks, names the value, and never throws itself.</summary>
public class EnvCheckerTests
{
    /// <summary>An env with a few bugs switched on: reward terms that miss a constant, NaN observations at the action
    /// bounds, and no saved state.</summary>
    sealed class BuggyEnv : VectorEnv
    {
        readonly bool _termsMissOne, _nanAtBounds;
        readonly float[] _term;
        readonly int[] _t;

        public BuggyEnv(int numEnvs, VectorEnvOptions options, bool termsMissOne, bool nanAtBounds)
            : base(numEnvs, Box.Unbounded(2), new Box(1, -1f, 1f), options)
        {
            _termsMissOne = termsMissOne;
            _nanAtBounds = nanAtBounds;
            _term = AddRewardTerm("action");
            _t = new int[numEnvs];
        }

        protected override void ResetEnv(int env)
        {
            _t[env] = 0;
            ObservationBuffer[2 * env] = Rngs[env].NextFloat();
            ObservationBuffer[2 * env + 1] = 0;
        }

        protected override void StepRange(int start, int end)
        {
            for (int env = start; env < end; env++)
            {
                float a = ActionBuffer[env];
                _t[env]++;
                ObservationBuffer[2 * env + 1] = _nanAtBounds && Math.Abs(a) == 1f ? float.NaN : a;
                _term[env] = a;
                RewardBuffer[env] = a + (_termsMissOne ? 1f : 0f);
            }
        }
    }

    static EnvCheck Named(EnvCheckReport report, string name) => Assert.Single(report.Checks, c => c.Name == name);

    [Fact]
    public void A_well_behaved_env_without_saved_state_fails_only_save_and_restore()
    {
        var report = EnvChecker.Check("counting", (n, options) => new CountingEnv(n, options.AutoresetMode));
        Assert.All(report.Checks.Where(c => c.Name != "save and restore"), c => Assert.True(c.Passed, c.ToString()));
        var save = Named(report, "save and restore");
        Assert.False(save.Passed);
        Assert.Contains("cannot save or load its state", save.Detail);
        Assert.False(report.Passed);
        Assert.Contains("FAIL save and restore", report.ToString());
    }

    [Fact]
    public void Reward_terms_that_do_not_sum_to_the_reward_are_named()
    {
        var report = EnvChecker.Check("buggy", (n, options) => new BuggyEnv(n, options, termsMissOne: true, nanAtBounds: false));
        var terms = Named(report, "reward terms");
        Assert.False(terms.Passed);
        Assert.Contains("reward terms (reward_action) sum to", terms.Detail);
        Assert.True(Named(report, "reset and step").Passed);
    }

    [Fact]
    public void Nan_observations_from_valid_actions_at_the_bounds_are_found()
    {
        var report = EnvChecker.Check("buggy", (n, options) => new BuggyEnv(n, options, termsMissOne: false, nanAtBounds: true));
        var bounds = Named(report, "valid actions give finite results");
        Assert.False(bounds.Passed);
        Assert.Contains("holds NaN or an infinity", bounds.Detail);
        Assert.True(Named(report, "reward terms").Passed);
    }

    [Fact]
    public void A_factory_that_throws_fails_every_check_with_its_message()
    {
        var report = EnvChecker.Check("broken", (_, _) => throw new InvalidOperationException("model file missing"));
        Assert.All(report.Checks, c => Assert.False(c.Passed));
        Assert.All(report.Checks, c => Assert.Equal("model file missing", c.Detail));
    }
}
