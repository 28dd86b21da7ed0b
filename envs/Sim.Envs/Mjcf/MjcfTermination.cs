namespace Sim.Envs.Mjcf;

/// <summary>Whether the episode of one env has truly ended (no bootstrap) in its current state.</summary>
public delegate bool MjcfTermination(MjModelView model, MjDataView data);
