using Sim.Foundation;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Tests;

/// <summary>Draws token sequences of 4 to 10 tokens over a vocabulary of 10, with a uniformly drawn number of 7s (and of
/// 3s among the rest), so that every share of 7s is common.</summary>
public sealed class TokenPool : IItemSource<TokenSequence>
{
    public const int Vocabulary = 10;

    public TokenSequence Sample(ref SimRandom random)
    {
        int length = 4 + random.NextInt(7);
        int sevens = random.NextInt(length + 1);
        var tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            int other = random.NextInt(Vocabulary - 1);
            tokens[i] = i < sevens ? 7 : other >= 7 ? other + 1 : other;
        }
        // Shuffled, so position says nothing.
        for (int i = length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
        }
        return new TokenSequence(tokens);
    }

    public List<TokenSequence> Sample(int count, ref SimRandom random)
    {
        var items = new List<TokenSequence>(count);
        for (int i = 0; i < count; i++) items.Add(Sample(ref random));
        return items;
    }
}
