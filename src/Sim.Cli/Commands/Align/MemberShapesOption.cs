using System.CommandLine;
using System.Globalization;
using Sim.Alignment.Model;

namespace Sim.Cli.Commands.Align;

/// <summary><c>--member-shapes</c>, shared by the commands that train a reward ensemble: transformer shapes the members
/// take in turn (member m gets shape m mod count), so the ensemble's members differ in architecture and not only in
/// their initial weights and data order.</summary>
public static class MemberShapesOption
{
    /// <summary>The option; absent, every member has the model's shape.</summary>
    public static Option<string[]> Create() => new("--member-shapes")
    {
        Description = "Shapes the ensemble's members take in turn, each WIDTHxLAYERS or WIDTHxLAYERSxHEADS (e.g. 32x2 48x1 16x4); default: every member has the model's shape",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>One shape per member of <paramref name="members"/>, cycling through <paramref name="values"/> over
    /// <paramref name="model"/> (whose vocabulary, context, MLP ratio and heads they keep unless given), or null when no
    /// value is given.</summary>
    /// <exception cref="ArgumentException">Naming the value that is not a shape, or a shape that cannot be built.</exception>
    public static IReadOnlyList<TransformerConfig>? Parse(string[]? values, TransformerConfig model, int members)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (values is null || values.Length == 0) return null;
        var shapes = values.Select(value => ParseOne(value, model)).ToList();
        return Enumerable.Range(0, Math.Max(members, 0)).Select(m => shapes[m % shapes.Count]).ToList();
    }

    static TransformerConfig ParseOne(string value, TransformerConfig model)
    {
        var parts = value.Split('x');
        var numbers = new int[parts.Length];
        bool wellFormed = parts.Length is 2 or 3;
        for (int i = 0; wellFormed && i < parts.Length; i++)
            wellFormed = int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]);
        if (!wellFormed)
            throw new ArgumentException($"--member-shapes '{value}': expected WIDTHxLAYERS or WIDTHxLAYERSxHEADS, e.g. 32x2 or 48x2x4");
        var shape = model with { Width = numbers[0], Layers = numbers[1], Heads = parts.Length == 3 ? numbers[2] : model.Heads };
        try
        {
            // The vocabulary is set from the tokenizer later; only the shape's own fields are checked here.
            (shape with { VocabularySize = Math.Max(shape.VocabularySize, 4) }).Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"--member-shapes '{value}': {e.Message.Split(" (Parameter")[0]}", e);
        }
        return shape;
    }
}
