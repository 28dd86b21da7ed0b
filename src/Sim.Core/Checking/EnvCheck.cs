namespace Sim.Core.Checking;

/// <summary>The outcome of one check of <see cref="EnvChecker"/>: its name, whether it passed, and what was seen.</summary>
/// <param name="Name">What was checked, e.g. <c>seeding</c>.</param>
/// <param name="Passed">Whether the env did what the check expects.</param>
/// <param name="Detail">What was checked when it passed; the first problem, naming values, when it failed.</param>
public sealed record EnvCheck(string Name, bool Passed, string Detail);
