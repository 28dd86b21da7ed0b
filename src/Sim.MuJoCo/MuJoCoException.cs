namespace Sim.MuJoCo;

/// <summary>An error reported by MuJoCo or by the bindings, carrying MuJoCo's own message.</summary>
public sealed class MuJoCoException(string message) : Exception(message);
