using Sim.Learning.Runs;
using Sim.Rewards.Robot.Dynamics;

namespace Sim.Learning.Preferences;

/// <summary><c>sim train --reed-set name=value</c>: overrides of REED's schedule (<see cref="DynamicsPretrainingOptions"/>:
/// <c>epochs</c>, <c>batch_size</c>, <c>learning_rate</c>, …) and of its encoder sizes (<see cref="DynamicsEncoderConfig"/>:
/// <c>state_embedding</c>, <c>action_embedding</c>, …) by their snake_case names.</summary>
public static class DynamicsPretrainingOverrides
{
    /// <summary>The option the overrides come from, named in error messages.</summary>
    public const string OptionName = "--reed-set";

    /// <summary><paramref name="options"/> with each <c>name=value</c> of <paramref name="assignments"/> applied in order.</summary>
    /// <exception cref="ArgumentException">When an assignment is malformed, names nothing settable, or holds a value of the wrong kind.</exception>
    public static DynamicsPretrainingOptions Apply(DynamicsPretrainingOptions options, IEnumerable<string> assignments)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(assignments);
        var encoderNames = HyperparameterOverrides.Names(typeof(DynamicsEncoderConfig)).ToHashSet(StringComparer.Ordinal);
        var list = assignments.ToList();
        var known = HyperparameterOverrides.Names(typeof(DynamicsPretrainingOptions)).Where(n => n != "encoder").Concat(encoderNames).ToList();
        foreach (string assignment in list)
        {
            int equals = assignment.IndexOf('=');
            string name = equals > 0 ? assignment[..equals].Trim().Replace('-', '_').ToLowerInvariant() : "";
            if (equals > 0 && !known.Contains(name))
                throw new ArgumentException($"{OptionName} {name}: REED has no such setting; expected one of {string.Join(", ", known)}");
        }
        bool IsEncoder(string assignment) =>
            assignment.IndexOf('=') is > 0 and var equals && encoderNames.Contains(assignment[..equals].Trim().Replace('-', '_').ToLowerInvariant());
        var schedule = HyperparameterOverrides.Apply(options, list.Where(a => !IsEncoder(a)), OptionName);
        var encoder = HyperparameterOverrides.Apply(schedule.Encoder, list.Where(IsEncoder), OptionName);
        var result = schedule with { Encoder = encoder };
        try
        {
            result.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"{OptionName}: {e.Message.Split(" (Parameter")[0]}", e);
        }
        return result;
    }
}
