namespace Sim.Rewards.Serialization;

/// <summary>One named tensor of a saved ensemble member: its shape and its values as float32, row-major.</summary>
public sealed record SavedTensor(string Name, long[] Shape, float[] Values);
