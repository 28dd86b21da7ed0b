namespace Sim.Rewards.Robot.Dynamics;

/// <summary>How REED's next-state consistency compares a predicted next-state embedding with the real one.</summary>
public enum DynamicsObjectiveKind
{
    /// <summary>SimSiam: −cos(p, z′) with a predictor head on the prediction and a stop-gradient on the target.</summary>
    SimSiam,

    /// <summary>InfoNCE: each prediction must pick its own next state out of the batch's next states (no predictor head).</summary>
    Contrastive,
}
