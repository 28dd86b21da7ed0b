using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>Turns an encoder's output into one score per item: an output of <c>[batch]</c> already is one, and an output
/// per position (<c>[batch, len]</c>: step rewards, per-token rewards) is summed over the real positions.</summary>
public static class ItemScores
{
    /// <summary>The item scores, <c>[batch]</c>, of <paramref name="output"/> under <paramref name="mask"/> (<c>[batch, len]</c>).</summary>
    /// <exception cref="ArgumentException">The output is neither <c>[batch]</c> nor <c>[batch, len]</c> like the mask.</exception>
    public static Tensor Total(Tensor output, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(mask);
        if (output.dim() == 1 && output.shape[0] == mask.shape[0]) return output.alias();
        if (output.dim() == 2 && output.shape[0] == mask.shape[0] && output.shape[1] == mask.shape[1])
        {
            using var masked = output * mask;
            return masked.sum(1);
        }
        throw new ArgumentException(
            $"the encoder gave scores of shape [{string.Join(", ", output.shape)}]: expected [batch] = [{mask.shape[0]}] or [batch, len] = [{string.Join(", ", mask.shape)}]",
            nameof(output));
    }
}
