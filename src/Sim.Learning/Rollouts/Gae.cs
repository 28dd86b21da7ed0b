using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Learning.Rollouts;

/// <summary>Generalised advantage estimation (Schulman et al. 2016) over a <c>[steps, envs]</c> rollout.</summary>
/// <remarks>
/// Terminated and truncated episodes are told apart. A terminated step has no future: its target is its
/// reward. A truncated step's episode was cut short, so its target is its reward plus γ·V(final observation);
/// with same-step autoreset the next row already belongs to the new episode, so that bootstrap cannot come
/// from <c>values[t + 1]</c> and is folded into the reward instead. Either way the GAE recursion is cut at
/// the episode boundary.
/// </remarks>
public static class Gae
{
    /// <summary>Returns (advantages, returns), each shaped like <paramref name="rewards"/>.</summary>
    /// <param name="rewards">r_t, <c>[steps, envs]</c>.</param>
    /// <param name="values">V(s_t) of each step's observation, <c>[steps, envs]</c>.</param>
    /// <param name="terminated">1 where the episode reached a terminal state at step t, else 0, <c>[steps, envs]</c>.</param>
    /// <param name="truncated">1 where the episode was cut short at step t, else 0, <c>[steps, envs]</c>; ignored where <paramref name="terminated"/> is 1.</param>
    /// <param name="finalValues">V(final observation) where <paramref name="truncated"/> is 1; ignored elsewhere (may hold anything, NaN included), <c>[steps, envs]</c>.</param>
    /// <param name="nextValues">V of the observation after the last step, to bootstrap the unfinished episodes, <c>[envs]</c>.</param>
    /// <param name="gamma">Discount γ.</param>
    /// <param name="lambda">GAE λ.</param>
    public static (Tensor Advantages, Tensor Returns) Compute(
        Tensor rewards, Tensor values, Tensor terminated, Tensor truncated, Tensor finalValues, Tensor nextValues,
        double gamma, double lambda)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.dim() != 2) throw new ArgumentException($"rewards has shape [{string.Join(", ", rewards.shape)}]: expected [steps, envs]", nameof(rewards));
        CheckShape(values, rewards, nameof(values));
        CheckShape(terminated, rewards, nameof(terminated));
        CheckShape(truncated, rewards, nameof(truncated));
        CheckShape(finalValues, rewards, nameof(finalValues));
        ArgumentNullException.ThrowIfNull(nextValues);
        if (nextValues.dim() != 1 || nextValues.shape[0] != rewards.shape[1])
            throw new ArgumentException($"nextValues has shape [{string.Join(", ", nextValues.shape)}]: expected [{rewards.shape[1]}] (one per env)", nameof(nextValues));

        long steps = rewards.shape[0];
        // Held (and disposed) here rather than converted implicitly at each use: see TorchScalars.
        using var gammaScalar = gamma.ToScalar();
        using var gammaLambdaScalar = (gamma * lambda).ToScalar();
        var advantages = zeros_like(rewards);
        using (var scope = NewDisposeScope())
        {
            using var noGrad = no_grad();
            // Termination wins when both flags are set (an episode that ends on its time-limit step, as Gymnasium's
            // TimeLimit reports it): a terminal state has no future to bootstrap from.
            var isTerminated = terminated.gt(OneHalf);
            var isTruncated = truncated.gt(OneHalf).logical_and(isTerminated.logical_not());
            var bootstrap = where(isTruncated, finalValues.mul(gammaScalar), zeros_like(finalValues));
            var targetsNow = rewards.add(bootstrap, One);
            var ended = isTerminated.logical_or(isTruncated);
            var continues = ended.logical_not().to(rewards.dtype);
            var lastAdvantage = zeros_like(nextValues);
            for (long t = steps - 1; t >= 0; t--)
            {
                var nextValue = t == steps - 1 ? nextValues : values[t + 1];
                // δ_t = r̂_t + γ·V(s_{t+1})·c_t − V(s_t), then A_t = δ_t + γλ·c_t·A_{t+1}, where c_t = 0 at an episode end.
                var discountedNext = nextValue.mul(gammaScalar).mul(continues[t]);
                var delta = targetsNow[t].add(discountedNext, One).sub(values[t]);
                var carried = continues[t].mul(gammaLambdaScalar).mul(lastAdvantage);
                lastAdvantage = delta.add(carried, One);
                advantages[t].copy_(lastAdvantage);
            }
        }
        using var baseline = values.detach();
        return (advantages, advantages.add(baseline, One));
    }

    private static void CheckShape(Tensor tensor, Tensor rewards, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (!tensor.shape.SequenceEqual(rewards.shape))
            throw new ArgumentException($"{name} has shape [{string.Join(", ", tensor.shape)}]: expected [{string.Join(", ", rewards.shape)}] like rewards", name);
    }
}
