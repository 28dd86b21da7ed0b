using Sim.Core.Spaces;
using Sim.Learning.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Ppo;

/// <summary>Checks the PPO networks: orthogonal init gains, distributions' log-probabilities and entropies, and space dispatch.</summary>
public sealed class ActorCriticTests
{
    [Theory]
    [InlineData(4, 64, 1.4142135623730951)]  // tall: columns are orthonormal, WᵀW = g²I
    [InlineData(64, 2, 0.01)]                // wide: rows are orthonormal, WWᵀ = g²I
    [InlineData(64, 64, 1.0)]
    public void Orthogonal_init_gives_a_scaled_orthonormal_matrix(int inputs, int outputs, double gain)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7, CPU);
        var layer = OrthogonalInit.Linear(inputs, outputs, gain, generator);
        var w = layer.weight!.detach().to(ScalarType.Float64);
        var gram = outputs <= inputs ? w.matmul(w.t()) : w.t().matmul(w);
        var identity = eye(Math.Min(inputs, outputs), dtype: ScalarType.Float64) * (gain * gain);
        Assert.True((gram - identity).abs().max().item<double>() < 1e-5 * Math.Max(1, gain * gain));
        Assert.Equal(0.0, layer.bias!.abs().max().item<float>());
    }

    [Fact]
    public void Same_generator_seed_gives_the_same_weights()
    {
        using var scope = NewDisposeScope();
        using var g1 = new Generator(3, CPU);
        using var g2 = new Generator(3, CPU);
        var a = new TanhMlp("a", 5, 8, 2, 1.0, g1);
        var b = new TanhMlp("b", 5, 8, 2, 1.0, g2);
        foreach (var (pa, pb) in a.parameters().Zip(b.parameters()))
            Assert.Equal(pa.data<float>().ToArray(), pb.data<float>().ToArray());
    }

    [Fact]
    public void Categorical_log_probs_and_entropy_match_the_softmax_formula()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11, CPU);
        var policy = new CategoricalPolicy(3, 4, 16, generator);
        var obs = tensor(new float[,] { { 0.1f, -0.2f, 0.3f }, { 1f, 2f, -1f } });
        var actions = tensor(new float[,] { { 2 }, { 0 } });
        var (logProbs, entropies) = policy.Evaluate(obs, actions);

        var logits = policy.forward(obs).detach().to(ScalarType.Float64).data<double>().ToArray();
        for (int row = 0; row < 2; row++)
        {
            var z = logits.Skip(4 * row).Take(4).ToArray();
            double logSum = Math.Log(z.Sum(Math.Exp));
            double[] p = z.Select(x => Math.Exp(x - logSum)).ToArray();
            int chosen = row == 0 ? 2 : 0;
            Assert.Equal(z[chosen] - logSum, logProbs[row].item<float>(), 1e-5);
            Assert.Equal(-p.Sum(pi => pi * Math.Log(pi)), entropies[row].item<float>(), 1e-5);
        }
        // The 0.01 head gain makes the initial policy close to uniform: entropy near ln 4.
        Assert.True(Math.Abs(entropies[0].item<float>() - Math.Log(4)) < 0.01);
    }

    [Fact]
    public void Categorical_samples_are_valid_choices_with_matching_log_probs()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        var policy = new CategoricalPolicy(2, 3, 8, generator);
        var obs = randn(new long[] { 50, 2 }, generator: generator);
        var (actions, logProbs) = policy.Sample(obs, generator);
        Assert.Equal(new long[] { 50, 1 }, actions.shape);
        var values = actions.data<float>().ToArray();
        Assert.All(values, a => Assert.Contains(a, new[] { 0f, 1f, 2f }));
        var (again, _) = policy.Evaluate(obs, actions);
        Assert.True((again - logProbs).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void Gaussian_log_prob_and_entropy_match_hand_computation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2, CPU);
        // Log-std −ln 2 gives σ = 0.5 in both dims.
        var policy = new GaussianPolicy(3, 2, 8, -Math.Log(2), generator);
        var obs = tensor(new float[,] { { 0.5f, -1f, 2f } });
        var mean = policy.forward(obs).detach().data<float>().ToArray();
        // Actions one σ above the mean in dim 0 and two σ below in dim 1: z = (1, −2).
        var actions = tensor(new float[,] { { mean[0] + 0.5f, mean[1] - 1.0f } });
        var (logProbs, entropies) = policy.Evaluate(obs, actions);

        // log N = Σ_d [−z_d²/2 − ln σ − ½ ln 2π] = −(1 + 4)/2 + 2 ln 2 − ln 2π
        double expectedLogProb = -2.5 + 2 * Math.Log(2) - Math.Log(2 * Math.PI);
        Assert.Equal(expectedLogProb, logProbs[0].item<float>(), 1e-5);
        // H = Σ_d [½ + ½ ln 2π + ln σ] = 1 + ln 2π − 2 ln 2
        Assert.Equal(1 + Math.Log(2 * Math.PI) - 2 * Math.Log(2), entropies[0].item<float>(), 1e-5);
    }

    [Fact]
    public void Gaussian_samples_have_the_policy_std()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9, CPU);
        var policy = new GaussianPolicy(1, 1, 4, Math.Log(0.3), generator);
        var obs = zeros(20_000, 1);
        var (actions, logProbs) = policy.Sample(obs, generator);
        // Every row has the same mean, so the sample std estimates σ = 0.3 (standard error ≈ 0.3/√40000 ≈ 0.0015).
        Assert.Equal(0.3, actions.std().item<float>(), 0.01);
        var (again, _) = policy.Evaluate(obs, actions);
        Assert.True((again - logProbs).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void Spaces_choose_the_distribution_and_unknown_spaces_are_rejected()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1, CPU);
        var discrete = ActorCritic.ForSpaces(Box.Unbounded(4), new Discrete(2), 64, 0, generator);
        Assert.IsType<CategoricalPolicy>(discrete.Actor);
        Assert.Equal(1, discrete.ActionSize);
        var continuous = ActorCritic.ForSpaces(Box.Unbounded(3), new Box(2, -1, 1), 64, 0, generator);
        Assert.IsType<GaussianPolicy>(continuous.Actor);
        Assert.Equal(2, continuous.ActionSize);
        // Separate 2×64 actor and critic: actor 3·64+64 + 64·64+64 + 64·2+2, log-std 2, critic 3·64+64 + 64·64+64 + 64+1.
        long expected = (3 * 64 + 64) + (64 * 64 + 64) + (64 * 2 + 2) + 2 + (3 * 64 + 64) + (64 * 64 + 64) + (64 + 1);
        Assert.Equal(expected, continuous.parameters().Sum(p => p.numel()));

        var dict = new DictSpace(("a", new Discrete(2)));
        var ex = Assert.Throws<ArgumentException>(() => ActorCritic.ForSpaces(Box.Unbounded(3), dict, 64, 0, generator));
        Assert.Contains("Dict", ex.Message);
    }
}
