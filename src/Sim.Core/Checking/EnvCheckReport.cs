namespace Sim.Core.Checking;

/// <summary>Every check <see cref="EnvChecker"/> ran on one env, in order.</summary>
/// <param name="EnvName">The env checked, as the caller named it.</param>
/// <param name="Checks">The checks, each passed or failed.</param>
public sealed record EnvCheckReport(string EnvName, IReadOnlyList<EnvCheck> Checks)
{
    /// <summary>Whether every check passed.</summary>
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>One line per check: <c>pass</c> or <c>FAIL</c>, its name and its detail.</summary>
    public override string ToString() =>
        $"{EnvName}: {(Passed ? "all checks passed" : "checks failed")}" + Environment.NewLine
        + string.Join(Environment.NewLine, Checks.Select(c => $"  {(c.Passed ? "pass" : "FAIL")} {c.Name}: {c.Detail}"));
}
