namespace Sim.Rewards.Robot.Dynamics;

/// <summary>Before which reward updates REED's auxiliary phase runs and its encoders are copied into the ensemble members.</summary>
public enum DynamicsEncoderCopy
{
    /// <summary>REED's schedule: before every reward update, so each update starts the members' f_s, f_a and trunk from
    /// the dynamics encoders again, and what the earlier updates' labels taught them is replaced.</summary>
    EveryUpdate,

    /// <summary>Before the first reward update only: the dynamics encoders initialise the members, whose encoders then go
    /// on learning from the labels update after update, as without REED; later updates run no auxiliary phase.</summary>
    FirstUpdate,
}
