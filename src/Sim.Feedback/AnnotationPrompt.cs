using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Sim.Feedback;

/// <summary>A versioned prompt file that asks about a batch of items (captions, or pairs of them) in one numbered list,
/// and the parser of the numbered answer lines it asks for.</summary>
/// <remarks>
/// The file <c>prompts/&lt;name&gt;.v&lt;version&gt;.txt</c> holds the user message with <c>{items}</c> where the list goes.
/// A changed prompt is a new file with the next version, never an edit, because cached answers are keyed by the version:
/// an edited file under an old version would mix answers to two different questions.
/// </remarks>
public abstract partial class AnnotationPrompt
{
    /// <summary>The placeholder the item list replaces.</summary>
    public const string ItemsPlaceholder = "{items}";

    /// <summary>A prompt <paramref name="name"/> at <paramref name="version"/> with the file's <paramref name="template"/>.</summary>
    protected AnnotationPrompt(string name, int version, string template)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(template);
        if (version < 1) throw new ArgumentOutOfRangeException(nameof(version), version, "expected a prompt version of 1 or more");
        if (!template.Contains(ItemsPlaceholder, StringComparison.Ordinal))
            throw new ArgumentException($"prompt '{name}' v{version} has no {ItemsPlaceholder} placeholder: expected one where the numbered list goes", nameof(template));
        Name = name;
        Version = version;
        Template = template;
    }

    /// <summary>The prompt's name, e.g. <c>caption-label</c>.</summary>
    public string Name { get; }

    /// <summary>The prompt's version, part of every cache key.</summary>
    public int Version { get; }

    /// <summary>The file's text.</summary>
    public string Template { get; }

    /// <summary>The path of prompt <paramref name="name"/> at <paramref name="version"/> under <paramref name="folder"/>.</summary>
    public static string FilePath(string folder, string name, int version) => Path.Combine(folder, $"{name}.v{version.ToString(CultureInfo.InvariantCulture)}.txt");

    /// <summary>The folder of the shipped prompt files, beside this assembly.</summary>
    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "prompts");

    /// <summary>Reads prompt <paramref name="name"/> v<paramref name="version"/> from <paramref name="folder"/> (default: the shipped ones).</summary>
    protected static string ReadTemplate(string name, int version, string? folder)
    {
        string path = FilePath(folder ?? ShippedFolder, name, version);
        if (!File.Exists(path))
            throw new FileNotFoundException($"prompt file '{path}' does not exist: expected prompt '{name}' version {version} there", path);
        return File.ReadAllText(path);
    }

    /// <summary>The user message asking about <paramref name="items"/>, numbered from 1.</summary>
    public string Render(IReadOnlyList<string> items)
    {
        var list = new StringBuilder();
        for (int i = 0; i < items.Count; i++) list.Append(i + 1).Append(". ").Append(RenderItem(items[i])).Append('\n');
        return Template.Replace(ItemsPlaceholder, list.ToString().TrimEnd('\n'), StringComparison.Ordinal);
    }

    /// <summary>One item as its list line shows it (after the number).</summary>
    protected abstract string RenderItem(string item);

    /// <summary>The value of one answer word (after <c>n:</c>), or null when the word is not an answer this prompt asked for.</summary>
    protected abstract float? ParseAnswer(string word);

    /// <summary>The answers to a batch of <paramref name="count"/> items, in order; a <see cref="FormatException"/> saying
    /// what was wrong when the reply lacks an item, answers one twice or gives a word the prompt did not ask for.</summary>
    public float[] Parse(string reply, int count)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var answers = new float?[count];
        foreach (Match line in AnswerLine().Matches(reply))
        {
            if (!int.TryParse(line.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > count)
                throw new FormatException($"the reply answers item {line.Groups[1].Value}, but the batch has items 1 to {count}");
            if (answers[n - 1] is not null) throw new FormatException($"the reply answers item {n} twice");
            answers[n - 1] = ParseAnswer(line.Groups[2].Value)
                ?? throw new FormatException($"the reply answers item {n} with '{Shorten(line.Groups[2].Value)}', which prompt '{Name}' did not ask for");
        }
        int missing = Array.FindIndex(answers, a => a is null);
        if (missing >= 0) throw new FormatException($"the reply has no answer for item {missing + 1} of {count}: '{Shorten(reply)}'");
        return answers.Select(a => a!.Value).ToArray();
    }

    static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^\s*(\d+)\s*[:.)]\s*(\S.*?)\s*$", RegexOptions.Multiline)]
    private static partial Regex AnswerLine();
}
