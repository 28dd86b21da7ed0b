namespace Sim.Envs.MuJoCo.Captions;

/// <summary>The event captions of <see cref="Goal.ArmPush"/>: the puck's progress to the target first, then the gripper's to the puck.</summary>
/// <remarks>
/// One caption per step, the most telling: the puck reaching, staying on or moving relative to the target (codes 1–4,
/// <see cref="ApproachCaptions"/>), else the gripper touching the puck (5), else the gripper moving closer to it (6).
/// A pure function of distances before and after the step and of the contact, so tests need no physics.
/// </remarks>
public static class ArmPushCaptions
{
    static readonly ApproachCaptions Puck = new("puck", "target");

    /// <summary>Code 5.</summary>
    public const string Touched = "the gripper touched the puck";

    /// <summary>Code 6.</summary>
    public const string GripperCloser = "the gripper moved closer to the puck";

    /// <summary>The captions in code order.</summary>
    public static IReadOnlyList<string> Vocabulary { get; } = [.. Puck.Vocabulary, Touched, GripperCloser];

    /// <summary>The code of a step; <paramref name="touching"/> is whether the arm and the puck are in contact after it.</summary>
    public static int Code(double puckToTargetBefore, double puckToTargetAfter, double successRadius, bool touching,
        double gripperToPuckBefore, double gripperToPuckAfter)
    {
        int puck = ApproachCaptions.Code(puckToTargetBefore, puckToTargetAfter, successRadius);
        if (puck != 0) return puck;
        if (touching) return 5;
        return gripperToPuckAfter <= gripperToPuckBefore - ApproachCaptions.MinimumMove ? 6 : 0;
    }
}
