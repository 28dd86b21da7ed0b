namespace Sim.Rewards.Ensembles;

/// <summary>How an ensemble's member outputs become one output.</summary>
public enum AggregationKind
{
    /// <summary>The mean over members.</summary>
    Mean,

    /// <summary>The minimum over members (Coste et al.'s worst case).</summary>
    WorstCase,

    /// <summary>mean − λ·var over members (Coste et al.'s uncertainty-weighted optimisation).</summary>
    UncertaintyPenalized,

    /// <summary>One member's output.</summary>
    Member,
}
