using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sim.Learning.Runs;

/// <summary><c>sim train --set name=value</c>: overrides of an algorithm's hyperparameters by their snake_case names,
/// CleanRL's where they differ (<c>ent_coef</c>, <c>vf_coef</c>, <c>anneal_lr</c>, <c>norm_adv</c>, <c>clip_vloss</c>,
/// <c>policy_lr</c>, <c>q_lr</c>) included.</summary>
public static class HyperparameterOverrides
{
    static readonly Dictionary<string, string> CleanRlNames = new(StringComparer.Ordinal)
    {
        ["anneal_lr"] = "anneal_learning_rate",
        ["norm_adv"] = "normalize_advantages",
        ["clip_vloss"] = "clip_value_loss",
        ["ent_coef"] = "entropy_coef",
        ["vf_coef"] = "value_coef",
        ["policy_lr"] = "policy_learning_rate",
        ["q_lr"] = "q_learning_rate",
    };

    /// <summary>The snake_case names <paramref name="configType"/> accepts, in declaration order.</summary>
    public static IEnumerable<string> Names(Type configType) => Settable(configType).Select(p => SnakeCase(p.Name));

    /// <summary><paramref name="config"/> with each <c>name=value</c> of <paramref name="assignments"/> applied in order.</summary>
    /// <exception cref="ArgumentException">When an assignment is malformed, names no hyperparameter of <typeparamref name="T"/>,
    /// or holds a value of the wrong kind; the message names it and what was expected.</exception>
    /// <param name="option">The command-line option the assignments came from, for error messages.</param>
    public static T Apply<T>(T config, IEnumerable<string> assignments, string option = "--set") where T : class
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(assignments);
        var list = assignments.ToList();
        if (list.Count == 0) return config;
        var properties = Settable(typeof(T)).ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);
        var node = JsonSerializer.SerializeToNode(config, RunConfigFile.Options)!.AsObject();
        foreach (string assignment in list)
        {
            int equals = assignment.IndexOf('=');
            if (equals <= 0)
                throw new ArgumentException($"{option} '{assignment}': expected name=value, e.g. learning_rate=1e-3");
            string given = assignment[..equals].Trim().Replace('-', '_').ToLowerInvariant();
            string name = CleanRlNames.GetValueOrDefault(given, given);
            if (!properties.TryGetValue(name, out var property))
                throw new ArgumentException($"{option} {given}: {typeof(T).Name} has no such hyperparameter; expected one of {string.Join(", ", properties.Keys)}");
            node[property.Name] = Parse($"{option} {given}", assignment[(equals + 1)..].Trim(), property.PropertyType);
        }
        return node.Deserialize<T>(RunConfigFile.Options)!;
    }

    static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0);

    static string SnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    static JsonNode? Parse(string name, string text, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && text is "null" or "none" or "None") return null;
        var target = underlying ?? type;
        var invariant = CultureInfo.InvariantCulture;
        if (target == typeof(string)) return JsonValue.Create(text);
        if (target == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "1" => JsonValue.Create(true),
                "false" or "0" => JsonValue.Create(false),
                _ => throw Bad(name, text, "true or false"),
            };
        }
        if (target.IsEnum)
            return Enum.TryParse(target, text, ignoreCase: true, out var member) && Enum.IsDefined(target, member!)
                ? JsonValue.Create(member!.ToString())
                : throw Bad(name, text, "one of " + string.Join(", ", Enum.GetNames(target)));
        if (target == typeof(double))
            return double.TryParse(text, NumberStyles.Float, invariant, out double d) ? JsonValue.Create(d) : throw Bad(name, text, "a number");
        if (target == typeof(int) || target == typeof(long) || target == typeof(ulong))
        {
            // 1e6 is how step counts are written; it must still be a whole number in range.
            if (!double.TryParse(text, NumberStyles.Float, invariant, out double whole) || whole != Math.Floor(whole))
                throw Bad(name, text, "an integer");
            if (target == typeof(int) && whole is >= int.MinValue and <= int.MaxValue) return JsonValue.Create((int)whole);
            if (target == typeof(long) && whole is >= long.MinValue and < 9.2233720368547758E+18) return JsonValue.Create((long)whole);
            if (target == typeof(ulong) && whole is >= 0 and < 1.8446744073709552E+19) return JsonValue.Create((ulong)whole);
            throw Bad(name, text, $"an integer in the range of {target.Name}");
        }
        throw new ArgumentException($"{name}: values of type {target.Name} cannot be set from the command line");
    }

    // name is the option and the hyperparameter, e.g. "--set learning_rate".
    static ArgumentException Bad(string name, string text, string expected) => new($"{name}={text}: expected {expected}");
}
