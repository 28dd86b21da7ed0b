using Sim.Learning.Rollouts;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Rollouts;

/// <summary>Checks GAE against hand-worked values and an independent per-episode implementation.</summary>
public sealed class GaeTests
{
    [Fact]
    public void Three_steps_two_envs_with_a_terminated_and_a_truncated_boundary_match_hand_computation()
    {
        using var scope = NewDisposeScope();
        // γ = λ = 0.5 keeps every intermediate an exact binary fraction; γλ = 0.25.
        const double gamma = 0.5, lambda = 0.5;
        // Rows are steps t = 0, 1, 2; columns are env 0, env 1.
        var rewards = Steps(new float[,] { { 1, 1 }, { 2, 1 }, { 3, 1 } });
        var values = Steps(new float[,] { { 4, 2 }, { 1, 4 }, { 8, 2 } });
        // Env 0 terminates at t = 1; env 1 is truncated at t = 0 with V(final obs) = 6.
        var terminated = Steps(new float[,] { { 0, 0 }, { 1, 0 }, { 0, 0 } });
        var truncated = Steps(new float[,] { { 0, 1 }, { 0, 0 }, { 0, 0 } });
        // Final values are only meaningful where truncated; NaN elsewhere must not leak in.
        var finalValues = Steps(new float[,] { { float.NaN, 6 }, { float.NaN, float.NaN }, { float.NaN, float.NaN } });
        var nextValues = tensor(new float[] { 6, 4 });

        var (advantages, returns) = Gae.Compute(rewards, values, terminated, truncated, finalValues, nextValues, gamma, lambda);

        // Env 0 (terminated at t = 1):
        //   t = 2: δ = r + γ V(next) − V = 3 + 0.5·6 − 8 = −2;                 A = −2
        //   t = 1: terminal, so no bootstrap and the recursion stops: δ = 2 − 1 = 1;   A = 1
        //   t = 0: δ = 1 + 0.5·V(s1) − V(s0) = 1 + 0.5·1 − 4 = −2.5;           A = −2.5 + 0.25·1 = −2.25
        //   returns = A + V = [−2.25 + 4, 1 + 1, −2 + 8] = [1.75, 2, 6]
        // Env 1 (truncated at t = 0, V(final) = 6):
        //   t = 2: δ = 1 + 0.5·4 − 2 = 1;                                       A = 1
        //   t = 1: δ = 1 + 0.5·V(s2) − V(s1) = 1 + 0.5·2 − 4 = −2;              A = −2 + 0.25·1 = −1.75
        //   t = 0: truncated, so bootstrap from the final obs, not from s1 (a new episode), and stop:
        //          δ = 1 + 0.5·6 − 2 = 2;                                       A = 2
        //   returns = [2 + 2, −1.75 + 4, 1 + 2] = [4, 2.25, 3]
        Assert.Equal(new float[] { -2.25f, 2f, 1f, -1.75f, -2f, 1f }, advantages.data<float>().ToArray());
        Assert.Equal(new float[] { 1.75f, 4f, 2f, 2.25f, 6f, 3f }, returns.data<float>().ToArray());
    }

    [Fact]
    public void Truncation_differs_from_termination_and_from_no_boundary()
    {
        using var scope = NewDisposeScope();
        // One env, two steps, γ = λ = 0.5; V = [2, 4], r = [1, 1], V(after) = 4, V(final obs at t = 0) = 6.
        var rewards = Steps(new float[,] { { 1 }, { 1 } });
        var values = Steps(new float[,] { { 2 }, { 4 } });
        var finalValues = Steps(new float[,] { { 6 }, { 0 } });
        var none = Steps(new float[,] { { 0 }, { 0 } });
        var atStart = Steps(new float[,] { { 1 }, { 0 } });
        var nextValues = tensor(new float[] { 4 });

        float A0(Tensor terminated, Tensor truncated) =>
            Gae.Compute(rewards, values, terminated, truncated, finalValues, nextValues, 0.5, 0.5).Advantages[0, 0].item<float>();

        // A1 = 1 + 0.5·4 − 4 = −1 in every case.
        // Terminated: A0 = 1 − 2 = −1.  Truncated: A0 = 1 + 0.5·6 − 2 = 2.  Neither: A0 = 1 + 0.5·4 − 2 + 0.25·(−1) = 0.75.
        Assert.Equal(-1f, A0(atStart, none));
        Assert.Equal(2f, A0(none, atStart));
        Assert.Equal(0.75f, A0(none, none));
        // Both flags (an episode that terminates on its time-limit step, as Gymnasium's TimeLimit reports it):
        // termination wins, so no bootstrap from V(final obs) = 6.
        Assert.Equal(-1f, A0(atStart, atStart));
    }

    [Fact]
    public void Matches_an_independent_per_episode_implementation_with_default_gamma_and_lambda()
    {
        using var scope = NewDisposeScope();
        const int steps = 7, envs = 3;
        const double gamma = 0.99, lambda = 0.95;
        var random = new System.Random(12345);
        var r = new float[steps, envs];
        var v = new float[steps, envs];
        var fv = new float[steps, envs];
        var term = new float[steps, envs];
        var trunc = new float[steps, envs];
        var next = new float[envs];
        for (int t = 0; t < steps; t++)
        {
            for (int e = 0; e < envs; e++)
            {
                r[t, e] = (float)(random.NextDouble() * 2 - 1);
                v[t, e] = (float)(random.NextDouble() * 4 - 2);
                fv[t, e] = (float)(random.NextDouble() * 4 - 2);
                double u = random.NextDouble();
                if (u < 0.15) term[t, e] = 1;
                else if (u < 0.3) trunc[t, e] = 1;
            }
        }
        for (int e = 0; e < envs; e++) next[e] = (float)(random.NextDouble() * 4 - 2);

        var (advantages, returns) = Gae.Compute(Steps(r), Steps(v), Steps(term), Steps(trunc), Steps(fv), tensor(next), gamma, lambda);

        // Reference: split each env's row into episodes and apply the textbook sum
        // A_t = Σ_k (γλ)^k δ_{t+k} within the episode, where the step after the episode's last is
        // worth 0 if it terminated, V(final obs) if it was truncated, and V(next) if it is still running.
        var expected = new double[steps, envs];
        for (int e = 0; e < envs; e++)
        {
            for (int t = 0; t < steps; t++)
            {
                double sum = 0, weight = 1;
                for (int k = t; k < steps; k++)
                {
                    bool last = term[k, e] == 1 || trunc[k, e] == 1 || k == steps - 1;
                    double after = term[k, e] == 1 ? 0 : trunc[k, e] == 1 ? fv[k, e] : k == steps - 1 ? next[e] : v[k + 1, e];
                    double delta = r[k, e] + gamma * after - v[k, e];
                    sum += weight * delta;
                    if (last) break;
                    weight *= gamma * lambda;
                }
                expected[t, e] = sum;
            }
        }
        var a = advantages.data<float>().ToArray();
        var ret = returns.data<float>().ToArray();
        for (int t = 0; t < steps; t++)
        {
            for (int e = 0; e < envs; e++)
            {
                Assert.Equal(expected[t, e], a[t * envs + e], 1e-5);
                Assert.Equal(expected[t, e] + v[t, e], ret[t * envs + e], 1e-5);
            }
        }
    }

    [Fact]
    public void Mismatched_shapes_are_rejected_with_the_name_of_the_input()
    {
        using var scope = NewDisposeScope();
        var a = zeros(3, 2);
        var ex = Assert.Throws<ArgumentException>(() => Gae.Compute(a, zeros(3, 3), a, a, a, zeros(2), 0.99, 0.95));
        Assert.Contains("values", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gae.Compute(a, a, a, a, a, zeros(3), 0.99, 0.95));
        Assert.Contains("nextValues", ex.Message);
    }

    private static Tensor Steps(float[,] rows) => tensor(rows);
}
