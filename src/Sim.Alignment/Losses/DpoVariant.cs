namespace Sim.Alignment.Losses;

/// <summary>Which loss of the DPO family: each a function of the policy's (and, except SimPO, the reference's)
/// log-probabilities of the chosen and rejected completions.</summary>
public enum DpoVariant
{
    /// <summary>Rafailov et al.: −log σ(βΔ), Δ the difference of the chosen and rejected policy/reference log-ratios.</summary>
    Sigmoid,

    /// <summary>Conservative DPO: −(1−ε) log σ(βΔ) − ε log σ(−βΔ), for labels flipped with probability ε.</summary>
    Conservative,

    /// <summary>SLiC's hinge: relu(1 − βΔ).</summary>
    Hinge,

    /// <summary>IPO (Azar et al.): (Δ̄ − 1/(2β))², with Δ̄ built from per-token averaged log-probabilities.</summary>
    Ipo,

    /// <summary>SimPO (Meng et al.), with no reference: −log σ(β(avg log π(y_w) − avg log π(y_l)) − γ).</summary>
    SimPo,
}
