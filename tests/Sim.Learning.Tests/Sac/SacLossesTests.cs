using Sim.Learning.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Sac;

/// <summary>Checks SAC's critic target and losses against numbers worked out by hand.</summary>
public sealed class SacLossesTests
{
    private static float[] Values(Tensor t) => t.cpu().data<float>().ToArray();

    [Fact]
    public void Critic_target_bootstraps_from_the_soft_value_except_at_terminal_states()
    {
        using var scope = NewDisposeScope();
        // γ = 0.9, α = 0.2.
        // row 0, ordinary step: min(10, 8) = 8; soft value 8 − 0.2·(−1) = 8.2; y = 1 + 0.9·8.2 = 8.38
        // row 1, terminated:    y = r = −0.5 (the next state's value is not used)
        // row 2, truncated, stored as not terminated: min(−2, −3) = −3; soft value −3 − 0.2·2 = −3.4;
        //                       y = 2 + 0.9·(−3.4) = −1.06
        var rewards = tensor(new[] { 1f, -0.5f, 2f });
        var terminated = tensor(new[] { 0f, 1f, 0f });
        var nextQ1 = tensor(new[] { 10f, 4f, -2f });
        var nextQ2 = tensor(new[] { 8f, 6f, -3f });
        var nextLogProbs = tensor(new[] { -1f, 0.5f, 2f });
        var alpha = tensor(0.2f);

        var y = Values(SacLosses.CriticTarget(rewards, terminated, nextQ1, nextQ2, nextLogProbs, alpha, 0.9));

        Assert.Equal(8.38, y[0], 5);
        Assert.Equal(-0.5, y[1], 5);
        Assert.Equal(-1.06, y[2], 5);
    }

    [Fact]
    public void The_same_transition_bootstraps_when_truncated_and_not_when_terminated()
    {
        using var scope = NewDisposeScope();
        // One transition, r = 1, min Q' = 5, log π' = 0 (so the entropy term vanishes), γ = 0.99:
        // truncated (stored terminated = 0): y = 1 + 0.99·5 = 5.95; terminated: y = 1.
        var rewards = tensor(new[] { 1f, 1f });
        var flags = tensor(new[] { 0f, 1f });
        var q = tensor(new[] { 5f, 5f });
        var logProbs = tensor(new[] { 0f, 0f });

        var y = Values(SacLosses.CriticTarget(rewards, flags, q, q, logProbs, tensor(0.2f), 0.99));

        Assert.Equal(5.95, y[0], 5);
        Assert.Equal(1.0, y[1], 5);
    }

    [Fact]
    public void Critic_loss_is_the_mean_squared_error_and_treats_the_target_as_a_constant()
    {
        using var scope = NewDisposeScope();
        // errors q − y = (−0.5, 0, 2); squares (0.25, 0, 4); mean 4.25 / 3.
        var q = tensor(new[] { 1f, 2f, 3f }, requires_grad: true);
        var target = tensor(new[] { 1.5f, 2f, 1f }, requires_grad: true);

        var loss = SacLosses.CriticLoss(q, target);
        loss.backward();

        Assert.Equal(4.25 / 3, loss.item<float>(), 5);
        // d/dq mean((q − y)²) = 2(q − y)/3 = (−1/3, 0, 4/3).
        var grad = Values(q.grad!);
        Assert.Equal(-1.0 / 3, grad[0], 5);
        Assert.Equal(0.0, grad[1], 5);
        Assert.Equal(4.0 / 3, grad[2], 5);
        Assert.Null(target.grad);
    }

    [Fact]
    public void Actor_loss_is_alpha_log_pi_minus_the_smaller_q()
    {
        using var scope = NewDisposeScope();
        // α = 0.5. row 0: 0.5·(−1) − min(3, 2) = −2.5; row 1: 0.5·0.5 − min(−1, 0) = 1.25; mean −0.625.
        var logProbs = tensor(new[] { -1f, 0.5f }, requires_grad: true);
        var q1 = tensor(new[] { 3f, -1f });
        var q2 = tensor(new[] { 2f, 0f });
        var alpha = tensor(0.5f, requires_grad: true);

        var loss = SacLosses.ActorLoss(logProbs, q1, q2, alpha);
        loss.backward();

        Assert.Equal(-0.625, loss.item<float>(), 5);
        // d/d log π = α / batch = 0.25 for each row; α itself is held constant.
        Assert.All(Values(logProbs.grad!), g => Assert.Equal(0.25, g, 5));
        Assert.Null(alpha.grad);
    }

    [Fact]
    public void Alpha_loss_is_minus_log_alpha_times_log_pi_plus_target_entropy()
    {
        using var scope = NewDisposeScope();
        // log α = ln 0.5 = −0.693147; target entropy −1; log π = (−1, 0.5) so log π + H̄ = (−2, −0.5).
        // per row −log α·(log π + H̄) = 0.693147·(−2) = −1.386294 and 0.693147·(−0.5) = −0.346574; mean −0.866434.
        var logAlpha = tensor(new[] { (float)Math.Log(0.5) }, requires_grad: true);
        var logProbs = tensor(new[] { -1f, 0.5f }, requires_grad: true);

        var loss = SacLosses.AlphaLoss(logAlpha, logProbs, -1.0);
        loss.backward();

        Assert.Equal(-0.866434, loss.item<float>(), 5);
        // d/d log α = −mean(log π + H̄) = 1.25 > 0: the entropy (0.25 on average) is above the target (−1), so
        // gradient descent lowers α. log π is held constant.
        Assert.Equal(1.25, Values(logAlpha.grad!)[0], 5);
        Assert.Null(logProbs.grad);
    }
}
