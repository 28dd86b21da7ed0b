namespace Sim.Rewards.Queries;

/// <summary>How a query round picks its pairs.</summary>
public enum QuerySelection
{
    /// <summary>Random pairs.</summary>
    Uniform,

    /// <summary>The candidates on which the ensemble members disagree most (largest std of P̂).</summary>
    Disagreement,

    /// <summary>The candidates whose mean P̂ is most uncertain (largest binary entropy, i.e. nearest 0.5).</summary>
    Entropy,
}
