namespace Sim.Alignment.Model;

/// <summary>How completions are drawn: temperature, top-k and top-p (nucleus) filtering, a length limit and the seed.</summary>
public sealed record SamplingOptions
{
    /// <summary>Logits are divided by this before sampling; 0 picks the most likely token (greedy).</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>Sample among the k most likely tokens only; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Sample among the most likely tokens whose probabilities sum to at least p (Holtzman et al.); 1 keeps all.</summary>
    public double TopP { get; init; } = 1;

    /// <summary>Most tokens drawn per completion, EOS included; the context length may cut it shorter.</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Seed of the draws; the stream is derived from it by name, so the same seed gives the same samples.</summary>
    public ulong Seed { get; init; }

    /// <summary>Reuse the keys and values of earlier tokens (on by default; off only to measure what it saves).</summary>
    public bool UseKvCache { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0 && double.IsFinite(Temperature))) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, $"Temperature = {Temperature}: expected a finite value ≥ 0 (0 is greedy)");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, $"TopK = {TopK}: expected ≥ 0 (0 keeps every token)");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, $"TopP = {TopP}: expected a probability in (0, 1]");
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, $"MaxNewTokens = {MaxNewTokens}: expected at least 1");
    }
}
