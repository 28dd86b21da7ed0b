using System.Text.RegularExpressions;

namespace Sim.Labeling;

/// <summary>Labeler names and the labeler ids their answers are stored under (<c>human:NAME</c>).</summary>
public static partial class LabelerName
{
    /// <summary>The prefix of every person's labeler id in the label store.</summary>
    public const string IdPrefix = "human:";

    /// <summary>The label store's labeler id for <paramref name="name"/>.</summary>
    public static string ToLabelerId(string name) => IdPrefix + name;

    /// <summary>Throws naming <paramref name="name"/> unless it is 1–40 letters, digits, '.', '_' or '-'.</summary>
    public static string Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || !Shape().IsMatch(name))
            throw new ArgumentException($"labeler name '{name}': expected 1 to 40 letters, digits, '.', '_' or '-'");
        return name;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,40}$")]
    private static partial Regex Shape();
}
