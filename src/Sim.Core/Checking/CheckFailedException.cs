namespace Sim.Core.Checking;

/// <summary>A promise of <see cref="IVectorEnv"/> that an env broke, found by <see cref="EnvChecker"/>.</summary>
public sealed class CheckFailedException(string message) : Exception(message);
