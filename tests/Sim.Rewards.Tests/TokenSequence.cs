namespace Sim.Rewards.Tests;

/// <summary>A language-model-like item for the tests: a sequence of token ids, of any length.</summary>
public sealed record TokenSequence(int[] Tokens)
{
    /// <summary>How many of the tokens are <paramref name="token"/>.</summary>
    public int CountOf(int token) => Tokens.Count(t => t == token);

    /// <summary>The share of the tokens that are <paramref name="token"/>.</summary>
    public double ShareOf(int token) => (double)CountOf(token) / Tokens.Length;
}
