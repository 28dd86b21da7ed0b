using Sim.Learning.Runs;

namespace Sim.Learning.Progress;

/// <summary><c>sim train --spa-set name=value</c>: overrides of SPA's settings (<see cref="SpaOptions"/>) by their snake_case
/// names, e.g. the estimator's <c>hidden_size</c>, <c>hidden_layers</c>, <c>epochs_per_update</c>, <c>max_episodes</c>,
/// <c>batch_size</c> and <c>learning_rate</c>, applied after the dedicated <c>--spa-…</c> options.</summary>
public static class SpaOverrides
{
    /// <summary>The option the overrides come from, named in error messages.</summary>
    public const string OptionName = "--spa-set";

    /// <summary><paramref name="options"/> with each <c>name=value</c> of <paramref name="assignments"/> applied in order.</summary>
    /// <exception cref="ArgumentException">An assignment is malformed, names nothing settable (the outcome follows
    /// <c>--delayed-reward</c> and is not settable), holds a value of the wrong kind, or leaves a setting out of range.</exception>
    public static SpaOptions Apply(SpaOptions options, IEnumerable<string> assignments)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(assignments);
        var list = assignments.ToList();
        foreach (string assignment in list)
        {
            int equals = assignment.IndexOf('=');
            if (equals > 0 && assignment[..equals].Trim().Equals("outcome", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{OptionName} outcome: the outcome follows --delayed-reward (the delayed return with it, the success bit without)");
        }
        var result = HyperparameterOverrides.Apply(options, list, OptionName);
        if (result.FindProblem() is { } problem) throw new ArgumentException($"{OptionName}: {problem}");
        return result;
    }
}
