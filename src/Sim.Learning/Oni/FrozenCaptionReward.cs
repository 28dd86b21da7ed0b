namespace Sim.Learning.Oni;

/// <summary>A caption reward that asks nothing and pays 0: the ONI stage rebuilt for acting in a trained run's env chain
/// (evaluation, the viewer), where returns are the env's own and no LLM is needed.</summary>
public sealed class FrozenCaptionReward : CaptionRewardModel
{
    /// <summary>A zero reward over <paramref name="vocabulary"/> for a run of kind <paramref name="kind"/>.</summary>
    public FrozenCaptionReward(IReadOnlyList<string> vocabulary, OniRewardModelKind kind) : base(vocabulary) => Kind = kind;

    /// <inheritdoc/>
    public override OniRewardModelKind Kind { get; }

    /// <inheritdoc/>
    protected override void OnFirstSeen(int code)
    {
    }

    /// <inheritdoc/>
    protected override void Recompute(float[] rewards)
    {
    }
}
