namespace Sim.Envs.Mjcf;

/// <summary>Writes the observation of one env's state into <paramref name="observation"/> (its length is the task's observation size).</summary>
public delegate void MjcfObservation(MjModelView model, MjDataView data, Span<float> observation);
