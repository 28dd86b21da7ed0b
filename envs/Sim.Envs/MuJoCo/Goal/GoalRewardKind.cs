namespace Sim.Envs.MuJoCo.Goal;

/// <summary>How a goal-conditioned task turns the achieved-to-desired distance into a reward.</summary>
public enum GoalRewardKind
{
    /// <summary>0 when the distance is below the threshold, else −1 (Fetch's default).</summary>
    Sparse,

    /// <summary>−distance.</summary>
    Dense,
}
