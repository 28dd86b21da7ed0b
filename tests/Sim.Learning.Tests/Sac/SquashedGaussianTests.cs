using Sim.Learning.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Sac;

/// <summary>Checks the tanh-squashed Gaussian against an independent double-precision computation of its density.</summary>
public sealed class SquashedGaussianTests
{
    private static float[] Values(Tensor t) => t.cpu().data<float>().ToArray();

    // log density of N(μ, σ²) at u, written from the textbook formula (not from ε).
    private static double LogNormal(double u, double mu, double sigma)
    {
        double z = (u - mu) / sigma;
        return -0.5 * z * z - Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI);
    }

    [Fact]
    public void Log_prob_matches_the_change_of_variables_with_a_numerical_jacobian()
    {
        using var scope = NewDisposeScope();
        double[] mu = { 0.3, -1.2, 2.5, 0.0 };
        // Moderate saturation only: where 1 − tanh²(u) falls below float32 resolution the float computation and this
        // double one rightly part ways (the ε term then dominates both).
        double[] logStd = { -0.5, 0.4, -1.0, 0.5 };
        double[] eps = { 0.7, -1.1, 0.2, 1.9 };
        double[] scale = { 2.0, 0.5, 1.0, 3.0 };
        double[] bias = { 0.0, 0.25, -1.0, 1.0 };
        var (actions, logProbs) = SquashedGaussian.Sample(
            tensor(mu.Select(v => (float)v).ToArray(), new long[] { 1, 4 }),
            tensor(logStd.Select(v => (float)v).ToArray(), new long[] { 1, 4 }),
            tensor(eps.Select(v => (float)v).ToArray(), new long[] { 1, 4 }),
            tensor(scale.Select(v => (float)v).ToArray()),
            tensor(bias.Select(v => (float)v).ToArray()));

        double expectedLogProb = 0;
        var expectedActions = new double[4];
        for (int i = 0; i < 4; i++)
        {
            double sigma = Math.Exp(logStd[i]);
            double u = mu[i] + sigma * eps[i];
            double Squash(double x) => Math.Tanh(x) * scale[i] + bias[i];
            expectedActions[i] = Squash(u);
            // |da/du| by central differences, independent of the closed form s·(1 − tanh²u).
            const double h = 1e-5;
            double jacobian = (Squash(u + h) - Squash(u - h)) / (2 * h);
            expectedLogProb += LogNormal(u, mu[i], sigma) - Math.Log(jacobian + SquashedGaussian.Epsilon);
        }

        var a = Values(actions);
        for (int i = 0; i < 4; i++) Assert.Equal(expectedActions[i], a[i], 5);
        Assert.Equal(expectedLogProb, Values(logProbs)[0], 3);
    }

    [Fact]
    public void Density_of_a_one_dimensional_squashed_action_integrates_to_one()
    {
        using var scope = NewDisposeScope();
        // Push a fine grid of u through the sampler (ε = (u − μ)/σ) and integrate p(a) da over the image:
        // a density in a must integrate to 1 over (bias − scale, bias + scale).
        const double mu = 0.4, logStd = -0.3, scale = 2.0, bias = 0.5;
        double sigma = Math.Exp(logStd);
        int n = 20001;
        var u = Enumerable.Range(0, n).Select(k => mu + sigma * (-8.0 + 16.0 * k / (n - 1))).ToArray();
        var epsilons = u.Select(v => (float)((v - mu) / sigma)).ToArray();
        var (actions, logProbs) = SquashedGaussian.Sample(
            full(new long[] { n, 1 }, (float)mu), full(new long[] { n, 1 }, (float)logStd),
            tensor(epsilons, new long[] { n, 1 }), tensor(new[] { (float)scale }), tensor(new[] { (float)bias }));
        var a = actions.to(float64).cpu().data<double>().ToArray();
        var p = logProbs.to(float64).exp().cpu().data<double>().ToArray();

        double integral = 0;
        for (int k = 1; k < n; k++) integral += 0.5 * (p[k] + p[k - 1]) * (a[k] - a[k - 1]);

        Assert.Equal(1.0, integral, 2);
        Assert.All(a, v => Assert.InRange(v, bias - scale, bias + scale));
    }

    [Fact]
    public void Log_std_is_rescaled_into_its_bounds_through_tanh()
    {
        using var scope = NewDisposeScope();
        // raw 0 → tanh 0 → −5 + 3.5·(0 + 1) = −1.5; raw ±∞ → the bounds 2 and −5;
        // raw 0.5 → −5 + 3.5·(tanh 0.5 + 1) = −5 + 3.5·1.462117 = 0.117410.
        var logStd = Values(SquashedGaussian.RescaleLogStd(tensor(new[] { 0f, 100f, -100f, 0.5f })));
        Assert.Equal(-1.5, logStd[0], 5);
        Assert.Equal(2.0, logStd[1], 5);
        Assert.Equal(-5.0, logStd[2], 5);
        Assert.Equal(0.117410, logStd[3], 5);
    }

    [Fact]
    public void Mean_action_is_the_squashed_mean()
    {
        using var scope = NewDisposeScope();
        // tanh(0.5)·2 + 1 = 0.462117·2 + 1 = 1.924234
        var a = Values(SquashedGaussian.MeanAction(tensor(new[] { 0.5f }, new long[] { 1, 1 }), tensor(new[] { 2f }), tensor(new[] { 1f })));
        Assert.Equal(1.924234, a[0], 5);
    }
}
