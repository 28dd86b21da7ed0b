using System.Globalization;

namespace Sim.Learning.Runs;

/// <summary>The CleanRL-style name of a run folder, <c>env__algorithm__seed__unixtime</c>, and its parts.</summary>
/// <remarks>
/// <para>The time is whole seconds since the Unix epoch, as CleanRL's <c>int(time.time())</c>. Two runs of the same
/// env, algorithm and seed started within the same second get a counter suffix (<c>1700000000-2</c>) rather than
/// sharing a folder.</para>
/// <para>Env ids and algorithm names may hold only ASCII letters, digits, '.', '-' and '_', and no "__" (the
/// separator): the name is then a valid folder name on every OS and parses back into the same parts.</para>
/// </remarks>
public readonly record struct RunName(string EnvId, string Algorithm, ulong Seed, long UnixTime, int Duplicate = 1)
{
    /// <summary>Separates the parts of a run name, as in CleanRL.</summary>
    public const string Separator = "__";

    /// <summary>Longest env id or algorithm name accepted, so that run paths stay well inside OS path limits.</summary>
    public const int MaxPartLength = 64;

    /// <summary>The folder name, e.g. <c>HalfCheetah-v1__ppo__1__1700000000</c>.</summary>
    public override string ToString()
    {
        string time = UnixTime.ToString(CultureInfo.InvariantCulture);
        if (Duplicate > 1)
        {
            time += "-" + Duplicate.ToString(CultureInfo.InvariantCulture);
        }
        return string.Join(Separator, EnvId, Algorithm, Seed.ToString(CultureInfo.InvariantCulture), time);
    }

    /// <summary>Builds a run name after checking that the env id and algorithm are safe as folder-name parts.</summary>
    public static RunName Create(string envId, string algorithm, ulong seed, DateTimeOffset startedAt)
    {
        ValidatePart(envId, "env id", nameof(envId));
        ValidatePart(algorithm, "algorithm", nameof(algorithm));
        long unixTime = startedAt.ToUnixTimeSeconds();
        if (unixTime < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(startedAt), startedAt, $"run start time {startedAt:O} is before 1970-01-01: expected a time after the Unix epoch");
        }
        return new RunName(envId, algorithm, seed, unixTime);
    }

    /// <summary>Parses a folder name made by <see cref="ToString"/>; false for any other name.</summary>
    public static bool TryParse(string name, out RunName runName)
    {
        runName = default;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }
        string[] parts = name.Split(Separator);
        if (parts.Length != 4 || DescribeProblem(parts[0]) != null || DescribeProblem(parts[1]) != null)
        {
            return false;
        }
        if (!ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
        {
            return false;
        }
        string time = parts[3];
        int duplicate = 1;
        int dash = time.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            if (!int.TryParse(time.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out duplicate) || duplicate < 2)
            {
                return false;
            }
            time = time[..dash];
        }
        if (!long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out long unixTime))
        {
            return false;
        }
        runName = new RunName(parts[0], parts[1], seed, unixTime, duplicate);
        // Rejects spellings such as leading zeros, so that every folder has exactly one name.
        return runName.ToString() == name;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="value"/> can be a part of a run name.</summary>
    public static void ValidatePart(string value, string what, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        string? problem = DescribeProblem(value);
        if (problem != null)
        {
            throw new ArgumentException($"{what} \"{value}\" cannot be part of a run folder name: {problem}", parameterName);
        }
    }

    private static string? DescribeProblem(string value)
    {
        if (value.Length == 0)
        {
            return "it is empty";
        }
        if (value.Length > MaxPartLength)
        {
            return $"it is {value.Length} characters long, expected at most {MaxPartLength}";
        }
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))
            {
                return $"character '{c}' (U+{(int)c:X4}) at index {i} is not allowed; expected only ASCII letters, digits, '.', '-' and '_'";
            }
        }
        if (value.Contains(Separator, StringComparison.Ordinal) || value.StartsWith('_') || value.EndsWith('_'))
        {
            return "it would run into the \"__\" separator between name parts; expected no \"__\" and no leading or trailing '_'";
        }
        if (value[0] == '.')
        {
            return "it starts with '.', which hides the folder on Unix; expected a letter, digit or '-' first";
        }
        return null;
    }
}
