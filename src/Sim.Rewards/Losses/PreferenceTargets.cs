using Sim.Rewards.Preferences;

namespace Sim.Rewards.Losses;

/// <summary>Turns teacher answers into the training targets P(left ≻ right) of the Bradley–Terry loss.</summary>
public static class PreferenceTargets
{
    /// <summary>Whether a pair with this answer is trained on: every answer except <see cref="PreferenceLabel.Skip"/>.</summary>
    public static bool IsTrainable(PreferenceLabel label) => label is PreferenceLabel.Left or PreferenceLabel.Right or PreferenceLabel.Equal;

    /// <summary>The target P(left ≻ right): 1 for Left, 0 for Right, 0.5 for Equal.</summary>
    /// <exception cref="ArgumentOutOfRangeException">For Skip (never trained on) or a value that is no label.</exception>
    public static float Of(PreferenceLabel label) => label switch
    {
        PreferenceLabel.Left => 1f,
        PreferenceLabel.Right => 0f,
        PreferenceLabel.Equal => 0.5f,
        PreferenceLabel.Skip => throw new ArgumentOutOfRangeException(nameof(label), label, "label = Skip: skipped pairs have no target and are never trained on"),
        _ => throw new ArgumentOutOfRangeException(nameof(label), label, $"label = {(int)label}: expected Left, Right or Equal"),
    };

    /// <summary>The message used when a set of pairs has nothing to train on, saying how many pairs were given and why none count.</summary>
    public static string NoTrainableLabelsMessage(int given) => given == 0
        ? "no trainable labels: no pairs were given; label at least one pair Left, Right or Equal"
        : $"no trainable labels: {given} pair{(given == 1 ? " was" : "s were")} given but all are Skip; label at least one pair Left, Right or Equal";
}
