using System.Globalization;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Foundation;

namespace Sim.Core.Checking;

/// <summary>Checks that an env keeps the promises of <see cref="IVectorEnv"/>, like Gymnasium's <c>check_env</c>: spaces
/// and buffer sizes, reset and step results inside the spaces, identical rollouts from identical seeds, final
/// observations and autoreset, no NaN from valid actions, reward terms that sum to the reward, and exact save/restore.</summary>
/// <remarks>
/// The env is built by the caller's factory (several times: two copies for seeding, both autoreset modes) with
/// <see cref="Envs"/> envs, and each copy is wrapped in a short <see cref="TimeLimit"/> so that episodes end within the
/// check. Actions are sampled from the action space (for a box with finite bounds, the bounds themselves are tried too).
/// A check that throws fails with the exception's message; the checker itself never throws for a misbehaving env.
/// </remarks>
public static class EnvChecker
{
    /// <summary>Envs per built copy.</summary>
    public const int Envs = 2;

    /// <summary>Steps of each rollout.</summary>
    public const int Steps = 60;

    /// <summary>Time limit placed around each copy, so that even envs that never end do so during the check.</summary>
    public const int EpisodeLimit = 25;

    const ulong Seed = 12345;
    const float RewardTermTolerance = 1e-4f;

    /// <summary>Runs every check on envs built by <paramref name="make"/> (number of envs, options), named
    /// <paramref name="envName"/> in the report.</summary>
    public static EnvCheckReport Check(string envName, Func<int, VectorEnvOptions, IVectorEnv> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        var checks = new List<EnvCheck>
        {
            Run("spaces", () => Spaces(make)),
            Run("reset and step", () => ResetAndStep(make)),
            Run("seeding", () => Seeding(make)),
            Run("autoreset (same step)", () => Autoreset(make, AutoresetMode.SameStep)),
            Run("autoreset (next step)", () => Autoreset(make, AutoresetMode.NextStep)),
            Run("valid actions give finite results", () => BoundaryActions(make)),
            Run("reward terms", () => RewardTerms(make)),
            Run("save and restore", () => SaveAndRestore(make)),
        };
        return new EnvCheckReport(envName, checks);
    }

    static EnvCheck Run(string name, Func<string> check)
    {
        try
        {
            return new EnvCheck(name, true, check());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new EnvCheck(name, false, e.Message);
        }
    }

    static IVectorEnv Build(Func<int, VectorEnvOptions, IVectorEnv> make, AutoresetMode mode = AutoresetMode.SameStep) =>
        new TimeLimit(make(Envs, new VectorEnvOptions { AutoresetMode = mode }), EpisodeLimit);

    static Exception Problem(string message) => new CheckFailedException(message);

    static string Spaces(Func<int, VectorEnvOptions, IVectorEnv> make)
    {
        using var env = Build(make);
        var obs = env.SingleObservationSpace;
        var act = env.SingleActionSpace;
        if (obs is null || act is null) throw Problem("the env has no observation or action space");
        if (obs.FlatSize < 0 || act.FlatSize < 0) throw Problem($"space sizes {obs.FlatSize} and {act.FlatSize}: expected 0 or more");
        if (act.FlatSize == 0) throw Problem($"the action space {act} is empty: an env needs at least one action dimension");
        if (env.NumEnvs != Envs) throw Problem($"NumEnvs = {env.NumEnvs}, expected the {Envs} asked for");
        env.Reset(Seed);
        ExpectLength(env.Observations.Length, Envs * obs.FlatSize, "Observations");
        ExpectLength(env.FinalObservations.Length, Envs * obs.FlatSize, "FinalObservations");
        ExpectLength(env.Rewards.Length, Envs, "Rewards");
        ExpectLength(env.Terminated.Length, Envs, "Terminated");
        ExpectLength(env.Truncated.Length, Envs, "Truncated");
        ExpectLength(env.EpisodeStarted.Length, Envs, "EpisodeStarted");
        var rng = new SimRandom(1);
        var sample = new float[act.FlatSize];
        for (int i = 0; i < 20; i++)
        {
            act.Sample(ref rng, sample);
            if (!act.Contains(sample)) throw Problem($"a sample of the action space {act}, [{Format(sample)}], is not in it");
        }
        return $"observation {obs}, action {act}, float32 batch buffers of {Envs} envs";
    }

    static string ResetAndStep(Func<int, VectorEnvOptions, IVectorEnv> make)
    {
        using var env = Build(make);
        env.Reset(Seed);
        ExpectObservations(env, "after reset");
        for (int i = 0; i < Envs; i++)
        {
            if (!env.EpisodeStarted[i]) throw Problem($"env {i}: EpisodeStarted is false after Reset, expected true");
            if (env.Terminated[i] || env.Truncated[i]) throw Problem($"env {i}: terminated or truncated after Reset, expected neither");
        }
        var actions = new float[Envs * env.SingleActionSpace.FlatSize];
        var rng = new SimRandom(2);
        for (int step = 0; step < Steps; step++)
        {
            SampleActions(env, ref rng, actions);
            env.Step(actions);
            ExpectObservations(env, $"after step {step}");
            ExpectFiniteRewards(env, step);
        }
        return $"{Steps} steps of sampled actions: observations inside {env.SingleObservationSpace}, rewards finite";
    }

    static string Seeding(Func<int, VectorEnvOptions, IVectorEnv> make)
    {
        var first = Rollout(make, Seed);
        var again = Rollout(make, Seed);
        for (int i = 0; i < first.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(first[i]) != BitConverter.SingleToInt32Bits(again[i]))
                throw Problem($"two rollouts with seed {Seed} and the same actions differ at value {i} ({first[i]} and {again[i]}): expected identical rollouts");
        }
        var other = Rollout(make, Seed + 1000);
        string spread = first.AsSpan(0, Envs).SequenceEqual(other.AsSpan(0, Envs))
            ? "; another seed gives the same first observations (no reset noise?)"
            : "; another seed gives other first observations";
        return $"the same seed gives bitwise-identical observations, rewards and flags over {Steps} steps{spread}";
    }

    // Observations, rewards and flags of a seeded rollout with fixed sampled actions, flattened.
    static float[] Rollout(Func<int, VectorEnvOptions, IVectorEnv> make, ulong seed)
    {
        using var env = Build(make);
        env.Reset(seed);
        var record = new List<float>(env.Observations.ToArray());
        var actions = new float[Envs * env.SingleActionSpace.FlatSize];
        var rng = new SimRandom(3);
        for (int step = 0; step < Steps; step++)
        {
            SampleActions(env, ref rng, actions);
            env.Step(actions);
            record.AddRange(env.Observations.ToArray());
            record.AddRange(env.Rewards.ToArray());
            for (int i = 0; i < Envs; i++) record.Add((env.Terminated[i] ? 1 : 0) + (env.Truncated[i] ? 2 : 0) + (env.EpisodeStarted[i] ? 4 : 0));
        }
        return [.. record];
    }

    static string Autoreset(Func<int, VectorEnvOptions, IVectorEnv> make, AutoresetMode mode)
    {
        using var env = Build(make, mode);
        if (env.AutoresetMode != mode) throw Problem($"asked for {mode} autoreset, the env declares {env.AutoresetMode}");
        env.Reset(Seed);
        int size = env.SingleObservationSpace.FlatSize;
        var actions = new float[Envs * env.SingleActionSpace.FlatSize];
        var rng = new SimRandom(4);
        var endedLastStep = new bool[Envs];
        var lengths = new int[Envs];
        int episodes = 0;
        for (int step = 0; step < Steps; step++)
        {
            SampleActions(env, ref rng, actions);
            env.Step(actions);
            for (int i = 0; i < Envs; i++)
            {
                bool ended = env.Terminated[i] || env.Truncated[i];
                if (mode == AutoresetMode.NextStep && endedLastStep[i])
                {
                    if (!env.EpisodeStarted[i]) throw Problem($"env {i}, step {step}: the step after an episode ended did not report EpisodeStarted (next-step autoreset)");
                    if (env.Rewards[i] != 0 || ended) throw Problem($"env {i}, step {step}: the reset step reported reward {env.Rewards[i]} and ended = {ended}, expected 0 and false");
                    lengths[i] = 0;
                }
                else lengths[i]++;
                if (lengths[i] > EpisodeLimit) throw Problem($"env {i}: an episode ran {lengths[i]} steps under a {EpisodeLimit}-step time limit");
                if (!ended) continue;
                episodes++;
                var final = env.FinalObservations.Slice(i * size, size);
                if (!env.SingleObservationSpace.Contains(final) || !AllFinite(final))
                    throw Problem($"env {i}, step {step}: final observation [{Format(final)}] is not a finite element of {env.SingleObservationSpace}");
                if (mode == AutoresetMode.SameStep)
                {
                    if (!env.EpisodeStarted[i]) throw Problem($"env {i}, step {step}: an episode ended but EpisodeStarted is false (same-step autoreset resets at once)");
                    lengths[i] = 0;
                }
            }
            env.Terminated.CopyTo(endedLastStep);
            for (int i = 0; i < Envs; i++) endedLastStep[i] |= env.Truncated[i];
        }
        if (episodes == 0) throw Problem($"no episode ended in {Steps} steps under a {EpisodeLimit}-step time limit");
        return $"{episodes} episode ends: final observations inside the space, episodes restarted as {mode} promises";
    }

    static string BoundaryActions(Func<int, VectorEnvOptions, IVectorEnv> make)
    {
        using var env = Build(make);
        env.Reset(Seed);
        int size = env.SingleActionSpace.FlatSize;
        var actions = new float[Envs * size];
        if (env.SingleActionSpace is not Box box) return "not a box: sampled actions are covered by 'reset and step'";
        int tried = 0;
        for (int step = 0; step < Steps; step++)
        {
            // Alternate the lowest and highest valid action, where the bounds are finite (else a large finite value).
            for (int i = 0; i < Envs; i++)
            for (int j = 0; j < size; j++)
            {
                bool high = (step + i + j) % 2 == 0;
                float bound = high ? box.High[j] : box.Low[j];
                actions[i * size + j] = float.IsFinite(bound) ? bound : (high ? 1e3f : -1e3f);
            }
            env.Step(actions);
            ExpectObservations(env, $"after boundary action step {step}");
            ExpectFiniteRewards(env, step);
            tried++;
        }
        return $"{tried} steps at the action bounds: observations and rewards finite";
    }

    static string RewardTerms(Func<int, VectorEnvOptions, IVectorEnv> make)
    {
        using var env = Build(make);
        env.Reset(Seed);
        var terms = env.Infos.RewardTerms.Select(env.Infos.Value).ToArray();
        if (terms.Length == 0) return "the env reports no reward terms (nothing to sum)";
        var actions = new float[Envs * env.SingleActionSpace.FlatSize];
        var rng = new SimRandom(5);
        for (int step = 0; step < Steps; step++)
        {
            SampleActions(env, ref rng, actions);
            env.Step(actions);
            for (int i = 0; i < Envs; i++)
            {
                double sum = terms.Sum(column => (double)column[i]);
                double reward = env.Rewards[i];
                if (Math.Abs(sum - reward) > RewardTermTolerance * Math.Max(1, Math.Abs(reward)))
                    throw Problem($"env {i}, step {step}: the reward terms ({string.Join(", ", env.Infos.RewardTerms)}) sum to {sum} but the reward is {reward}");
            }
        }
        return $"{string.Join(" + ", env.Infos.RewardTerms)} = reward over {Steps} steps";
    }

    static string SaveAndRestore(Func<int, VectorEnvOptions, IVectorEnv> make)
    {
        using var env = Build(make);
        if (env is not IStatefulEnv stateful) return "the env does not implement IStatefulEnv (nothing to save)";
        env.Reset(Seed);
        var actions = new float[Envs * env.SingleActionSpace.FlatSize];
        var rng = new SimRandom(6);
        for (int step = 0; step < 10; step++)
        {
            SampleActions(env, ref rng, actions);
            env.Step(actions);
        }
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) stateful.SaveState(writer);
        var continued = new SimRandom(7);
        var first = Continue(env, ref continued, actions);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved, System.Text.Encoding.UTF8, leaveOpen: true)) stateful.LoadState(reader);
        continued = new SimRandom(7);
        var second = Continue(env, ref continued, actions);
        for (int i = 0; i < first.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(first[i]) != BitConverter.SingleToInt32Bits(second[i]))
                throw Problem($"after restoring a saved state, value {i} of the next {Steps} steps is {second[i]} instead of {first[i]}: expected an exact continuation");
        }
        return $"a state saved after 10 steps ({saved.Length.ToString(CultureInfo.InvariantCulture)} bytes) continues bit for bit for {Steps} steps";
    }

    static float[] Continue(IVectorEnv env, ref SimRandom rng, float[] actions)
    {
        var record = new List<float>();
        for (int step = 0; step < Steps; step++)
        {
            SampleActions(env, ref rng, actions);
            env.Step(actions);
            record.AddRange(env.Observations.ToArray());
            record.AddRange(env.Rewards.ToArray());
            foreach (var key in env.Infos.RewardTerms) record.AddRange(env.Infos.Value(key));
        }
        return [.. record];
    }

    static void SampleActions(IVectorEnv env, ref SimRandom rng, float[] actions)
    {
        int size = env.SingleActionSpace.FlatSize;
        for (int i = 0; i < env.NumEnvs; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * size, size));
    }

    static void ExpectObservations(IVectorEnv env, string when)
    {
        int size = env.SingleObservationSpace.FlatSize;
        for (int i = 0; i < env.NumEnvs; i++)
        {
            var row = env.Observations.Slice(i * size, size);
            if (!AllFinite(row)) throw Problem($"env {i} {when}: observation [{Format(row)}] holds NaN or an infinity");
            if (!env.SingleObservationSpace.Contains(row)) throw Problem($"env {i} {when}: observation [{Format(row)}] is not in {env.SingleObservationSpace}");
        }
    }

    static void ExpectFiniteRewards(IVectorEnv env, int step)
    {
        for (int i = 0; i < env.NumEnvs; i++)
            if (!float.IsFinite(env.Rewards[i])) throw Problem($"env {i}, step {step}: reward {env.Rewards[i]} from a valid action, expected a finite reward");
    }

    static void ExpectLength(int actual, int expected, string buffer)
    {
        if (actual != expected) throw Problem($"{buffer} has {actual} values, expected {expected}");
    }

    static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values) if (!float.IsFinite(v)) return false;
        return true;
    }

    static string Format(ReadOnlySpan<float> values)
    {
        var shown = values.Length <= 8 ? values.ToArray() : values[..8].ToArray();
        return string.Join(", ", shown.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + (values.Length > 8 ? ", …" : "");
    }
}
