using System.Globalization;

namespace Sim.Core.Registry;

/// <summary>Gymnasium-style keyword arguments of an env (<c>frame_skip=2</c>, <c>healthy_z_range=0.8,2</c>), read by the
/// env's factory with typed getters that reject bad values and, at the end, any key the env does not take.</summary>
/// <remarks>
/// Values are kept as the text the user gave, so a run's <c>config.json</c> records exactly what rebuilds its env.
/// A factory asks for every key it knows, with its default; <see cref="ThrowIfUnused"/> then names the keys nobody asked
/// for and lists those the env takes, so a typo is an error rather than a silently ignored setting.
/// </remarks>
public sealed class EnvArguments
{
    /// <summary>No arguments: every getter returns its default.</summary>
    public static EnvArguments None => new(new Dictionary<string, string>(), "env");

    readonly IReadOnlyDictionary<string, string> _values;
    readonly List<string> _known = new();
    readonly string _envId;

    /// <summary>Arguments <paramref name="values"/> (key to text) for env <paramref name="envId"/>, named in errors.</summary>
    public EnvArguments(IReadOnlyDictionary<string, string> values, string envId)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
        _envId = envId;
    }

    /// <summary>The arguments as given, key to text.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Parses <c>key=value</c> items (the CLI's <c>--env-arg</c>); a malformed item or a repeated key is an error.</summary>
    public static SortedDictionary<string, string> Parse(IEnumerable<string> items)
    {
        var parsed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
                throw new ArgumentException($"env argument '{item}' is not key=value (e.g. frame_skip=2)");
            string key = item[..eq].Trim(), value = item[(eq + 1)..].Trim();
            if (!parsed.TryAdd(key, value))
                throw new ArgumentException($"env argument '{key}' is given twice ('{parsed[key]}' and '{value}')");
        }
        return parsed;
    }

    /// <summary>A real number; <c>inf</c> and <c>-inf</c> are accepted, NaN is not.</summary>
    public double Double(string key, double defaultValue)
    {
        if (!TryGet(key, out string text)) return defaultValue;
        return ParseDouble(key, text, text);
    }

    /// <summary>A whole number of at least <paramref name="min"/>.</summary>
    public int Int(string key, int defaultValue, int min = int.MinValue)
    {
        if (!TryGet(key, out string text)) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw Bad(key, text, "a whole number");
        if (value < min) throw Bad(key, text, $"a whole number of at least {min}");
        return value;
    }

    /// <summary><c>true</c>/<c>false</c> (also <c>1</c>/<c>0</c>, and Python's <c>True</c>/<c>False</c>).</summary>
    public bool Bool(string key, bool defaultValue)
    {
        if (!TryGet(key, out string text)) return defaultValue;
        return text.ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw Bad(key, text, "true or false"),
        };
    }

    /// <summary>A (low, high) pair written <c>low,high</c> or Python's <c>(low, high)</c>, with low &lt;= high.</summary>
    public (double Low, double High) Range(string key, (double Low, double High) defaultValue)
    {
        if (!TryGet(key, out string text)) return defaultValue;
        string[] parts = text.Trim('(', ')', '[', ']', ' ').Split(',');
        if (parts.Length != 2) throw Bad(key, text, "two numbers low,high");
        double low = ParseDouble(key, parts[0].Trim(), text), high = ParseDouble(key, parts[1].Trim(), text);
        if (!(low <= high)) throw Bad(key, text, "low <= high");
        return (low, high);
    }

    /// <summary>Text as given, e.g. a body name or index (Ant's <c>main_body</c>); null when the key is not given.</summary>
    public string? Text(string key) => TryGet(key, out string text) ? text : null;

    /// <summary>An enum member named by its name, case-insensitively (e.g. <c>reward_type=dense</c>).</summary>
    public TEnum Choice<TEnum>(string key, TEnum defaultValue) where TEnum : struct, Enum
    {
        if (!TryGet(key, out string text)) return defaultValue;
        if (Enum.TryParse(text, ignoreCase: true, out TEnum value) && Enum.IsDefined(value) && !int.TryParse(text, out _)) return value;
        throw Bad(key, text, "one of " + string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant())));
    }

    /// <summary>A path to an existing file.</summary>
    public string? File(string key)
    {
        if (!TryGet(key, out string text)) return null;
        if (!System.IO.File.Exists(text)) throw Bad(key, text, "an existing MJCF file");
        return Path.GetFullPath(text);
    }

    /// <summary>Throws when a key was given that no getter asked for, listing the keys this env takes.</summary>
    public void ThrowIfUnused()
    {
        var unknown = _values.Keys.Where(k => !_known.Contains(k)).ToList();
        if (unknown.Count == 0) return;
        string takes = _known.Count == 0 ? "it takes none" : "known: " + string.Join(", ", _known);
        throw new ArgumentException(
            $"unknown env argument{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(k => $"'{k}'"))} for {_envId}; {takes}");
    }

    bool TryGet(string key, out string text)
    {
        if (!_known.Contains(key)) _known.Add(key);
        return _values.TryGetValue(key, out text!);
    }

    double ParseDouble(string key, string part, string whole)
    {
        string lower = part.ToLowerInvariant();
        double value = lower switch
        {
            "inf" or "+inf" or "infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN,
        };
        if (double.IsNaN(value)) throw Bad(key, whole, "a number (inf allowed)");
        return value;
    }

    ArgumentException Bad(string key, string text, string expected) =>
        new($"env argument {key} = '{text}' for {_envId}: expected {expected}");
}
