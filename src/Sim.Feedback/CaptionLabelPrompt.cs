namespace Sim.Feedback;

/// <summary>The prompt asking whether each event caption shows progress: answers yes (1) or no (0), ONI's labels.</summary>
public sealed class CaptionLabelPrompt : AnnotationPrompt
{
    /// <summary>The prompt's file name stem.</summary>
    public const string PromptName = "caption-label";

    /// <summary>The version the project ships and uses by default.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Loads version <paramref name="version"/> from <paramref name="folder"/> (default: the shipped prompts).</summary>
    public CaptionLabelPrompt(int version = CurrentVersion, string? folder = null)
        : base(PromptName, version, ReadTemplate(PromptName, version, folder))
    {
    }

    protected override string RenderItem(string item) => item;

    protected override float? ParseAnswer(string word) => word.Trim().TrimEnd('.').ToLowerInvariant() switch
    {
        "yes" => 1f,
        "no" => 0f,
        _ => null,
    };
}
