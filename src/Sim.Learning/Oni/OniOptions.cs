using Sim.Feedback;

namespace Sim.Learning.Oni;

/// <summary>An ONI run's settings (<c>config.json</c>'s <c>Oni</c> section): the reward model, the combination
/// r = c_ext·r_ext + c_llm·r_int / N(caption)^β, and how the LLM is reached (never the key itself).</summary>
public sealed record OniOptions
{
    /// <summary>Retrieval, classification or ranking.</summary>
    public OniRewardModelKind Model { get; init; } = OniRewardModelKind.Retrieval;

    /// <summary>c_ext, the weight of the env's own reward.</summary>
    public double ExtrinsicCoefficient { get; init; } = 1.0;

    /// <summary>c_llm, the weight of the intrinsic reward (ONI: about 0.4).</summary>
    public double IntrinsicCoefficient { get; init; } = 0.4;

    /// <summary>β, the exponent of the caption's count within the episode (ONI: 3), so a repeated event pays less each time.</summary>
    public double CountExponent { get; init; } = 3.0;

    /// <summary>The OpenAI-compatible server, model, batching and failure handling.</summary>
    public required LlmOptions Llm { get; init; }

    /// <summary>Env steps between metric rows and model refreshes (retraining on new answers).</summary>
    public long UpdateEvery { get; init; } = 2048;

    /// <summary>The first setting out of range, as a message naming it; null when all are valid.</summary>
    public string? FindProblem()
    {
        if (!Enum.IsDefined(Model)) return $"ONI model {(int)Model}: expected retrieval, classification or ranking";
        if (!double.IsFinite(ExtrinsicCoefficient)) return $"c_ext = {ExtrinsicCoefficient}: expected a finite weight";
        if (!double.IsFinite(IntrinsicCoefficient)) return $"c_llm = {IntrinsicCoefficient}: expected a finite weight";
        if (!(CountExponent >= 0 && double.IsFinite(CountExponent))) return $"β = {CountExponent}: expected a finite exponent ≥ 0";
        if (UpdateEvery < 1) return $"update interval {UpdateEvery}: expected at least 1 env step";
        return Llm?.FindProblem() ?? (Llm is null ? "the LLM settings are missing: expected an Llm section with BaseUrl and Model" : null);
    }
}
