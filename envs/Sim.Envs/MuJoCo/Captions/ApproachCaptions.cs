namespace Sim.Envs.MuJoCo.Captions;

/// <summary>The event captions of something that must reach a goal: it reached it, stayed on it, moved closer or moved away.</summary>
/// <remarks>
/// A pure function of the mover-to-goal distance before and after a step, so the tasks and the tests share one rule.
/// Moves shorter than <see cref="MinimumMove"/> are not events: a policy that jitters in place earns no caption.
/// Codes are 1-based positions in <see cref="Vocabulary"/> (0: no caption), as <see cref="Sim.Core.StepCaptions"/> stores them.
/// </remarks>
public sealed class ApproachCaptions
{
    /// <summary>Smallest change of distance over a step that counts as moving closer or away, m.</summary>
    public const double MinimumMove = 1e-3;

    /// <summary>Captions about <paramref name="mover"/> and <paramref name="goal"/>, e.g. "puck" and "target".</summary>
    public ApproachCaptions(string mover, string goal)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mover);
        ArgumentException.ThrowIfNullOrWhiteSpace(goal);
        Reached = $"the {mover} reached the {goal}";
        OnGoal = $"the {mover} is on the {goal}";
        Closer = $"the {mover} moved closer to the {goal}";
        Away = $"the {mover} moved away from the {goal}";
        Vocabulary = [Reached, OnGoal, Closer, Away];
    }

    /// <summary>Code 1: the distance fell below the radius in this step.</summary>
    public string Reached { get; }

    /// <summary>Code 2: the distance was and is below the radius.</summary>
    public string OnGoal { get; }

    /// <summary>Code 3: the distance shrank by at least <see cref="MinimumMove"/>.</summary>
    public string Closer { get; }

    /// <summary>Code 4: the distance grew by at least <see cref="MinimumMove"/>.</summary>
    public string Away { get; }

    /// <summary>The captions in code order.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>The code of a step that took the distance from <paramref name="before"/> to <paramref name="after"/>, with
    /// success meaning a distance strictly below <paramref name="radius"/>; 0 when nothing happened.</summary>
    public static int Code(double before, double after, double radius)
    {
        bool wasOn = before < radius, isOn = after < radius;
        if (isOn) return wasOn ? 2 : 1;
        if (after <= before - MinimumMove) return 3;
        if (after >= before + MinimumMove) return 4;
        return 0;
    }
}
