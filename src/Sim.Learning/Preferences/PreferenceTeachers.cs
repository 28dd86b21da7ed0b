using Sim.Rewards.Robot;

namespace Sim.Learning.Preferences;

/// <summary>The B-Pref scripted teachers by name, as <c>sim train --teacher</c> accepts them.</summary>
public static class PreferenceTeachers
{
    /// <summary>Prefers the larger true return.</summary>
    public const string Oracle = "oracle";

    /// <summary>Samples its answer from softmax(β·returns), β = 1.</summary>
    public const string Stochastic = "stochastic";

    /// <summary>The oracle, flipping 10% of answers.</summary>
    public const string Mistake = "mistake";

    /// <summary>The oracle, declining when both returns are below δ.</summary>
    public const string Skip = "skip";

    /// <summary>The oracle, answering "equal" when the returns differ by less than δ.</summary>
    public const string Equal = "equal";

    /// <summary>The oracle on returns discounted by γ = 0.9 towards the segment's start, so later steps count more.</summary>
    public const string Myopic = "myopic";

    /// <summary>Every name.</summary>
    public static IReadOnlyList<string> Names { get; } = [Oracle, Stochastic, Mistake, Skip, Equal, Myopic];

    /// <summary>People answering on the labeling site (<c>sim label</c>); not a scripted teacher.</summary>
    public const string Human = "human";

    /// <summary>An LLM judging the segments' event captions (<see cref="LlmTeacher"/>); not a scripted teacher.</summary>
    public const string Llm = "llm";

    /// <summary>Every name <c>--teacher</c> accepts: the scripted teachers, <see cref="Human"/> and <see cref="Llm"/>.</summary>
    public static IReadOnlyList<string> TeacherNames { get; } = [.. Names, Human, Llm];

    /// <summary>The teacher called <paramref name="name"/>, drawing its randomness from <paramref name="seed"/>. Skip and
    /// equal start with δ = 0; the learner sets δ from recent returns before each round.</summary>
    public static ScriptedTeacher Create(string name, ulong seed) => name switch
    {
        Oracle => ScriptedTeacher.Oracle(seed),
        Stochastic => ScriptedTeacher.Stochastic(seed: seed),
        Mistake => ScriptedTeacher.Mistake(seed: seed),
        Skip => ScriptedTeacher.Skip(0, seed),
        Equal => ScriptedTeacher.Equal(0, seed),
        Myopic => ScriptedTeacher.Myopic(seed: seed),
        _ => throw new ArgumentException($"teacher '{name}': expected one of {string.Join(", ", Names)}", nameof(name)),
    };
}
