using Sim.Feedback;
using Sim.Learning.Runs;

namespace Sim.Learning.Oni;

/// <summary>The intrinsic reward of each caption a task can emit, learned from the LLM's answers: what the ONI wrapper
/// reads at every step (an array look-up by caption code) and what the learner refreshes between rollouts.</summary>
/// <remarks>
/// A caption is shown to the LLM only once it has occurred (<see cref="Observe"/>), as in ONI, where the learner queues
/// messages it has not seen before. Code 0 (no caption) always pays 0. Subclasses say what is asked
/// (<see cref="OnFirstSeen"/>) and how answers become rewards (<see cref="Recompute"/>).
/// </remarks>
public abstract class CaptionRewardModel : IDisposable
{
    readonly bool[] _seen;
    readonly float[] _rewards;

    /// <summary>A model over <paramref name="vocabulary"/> (code k is entry k − 1).</summary>
    protected CaptionRewardModel(IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        Vocabulary = vocabulary;
        _seen = new bool[vocabulary.Count + 1];
        _rewards = new float[vocabulary.Count + 1];
    }

    /// <summary>The task's captions.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>Which kind of model this is.</summary>
    public abstract OniRewardModelKind Kind { get; }

    /// <summary>The intrinsic reward of caption code <paramref name="code"/> (0 for none).</summary>
    public float Reward(int code) => _rewards[code];

    /// <summary>The current reward of every code, index = code.</summary>
    public IReadOnlyList<float> Rewards => _rewards;

    /// <summary>Notes that caption <paramref name="code"/> occurred; the first time, asks the LLM what the model needs. Never blocks.</summary>
    public virtual void Observe(int code)
    {
        if (code == 0 || _seen[code]) return;
        _seen[code] = true;
        OnFirstSeen(code);
    }

    /// <summary>Whether caption <paramref name="code"/> has occurred.</summary>
    protected bool Seen(int code) => _seen[code];

    /// <summary>Asks what the model needs about <paramref name="code"/>, which has just occurred for the first time.</summary>
    protected abstract void OnFirstSeen(int code);

    /// <summary>Takes the answers that arrived and recomputes every code's reward; returns whether any reward changed.</summary>
    public bool Refresh()
    {
        var next = new float[_rewards.Length];
        Recompute(next);
        next[0] = 0;
        bool changed = !next.AsSpan().SequenceEqual(_rewards);
        next.CopyTo(_rewards, 0);
        return changed;
    }

    /// <summary>Writes the reward of codes 1..V into <paramref name="rewards"/> (index = code) from the answers so far.</summary>
    protected abstract void Recompute(float[] rewards);

    /// <summary>Adds the model's state to a checkpoint.</summary>
    public virtual void Save(CheckpointContents contents) =>
        contents.AddJson("oni_model", new CaptionRewardModelState(Kind, _seen, _rewards));

    /// <summary>Restores what <see cref="Save"/> wrote, refusing a checkpoint of another kind or vocabulary.</summary>
    public virtual void Load(Checkpoint checkpoint)
    {
        var state = checkpoint.ReadJson<CaptionRewardModelState>("oni_model");
        if (state.Kind != Kind) throw new InvalidDataException($"checkpoint '{checkpoint.Path}' holds an ONI {state.Kind} model, but this run uses {Kind}");
        if (state.Seen.Length != _seen.Length || state.Rewards.Length != _rewards.Length)
            throw new InvalidDataException(
                $"checkpoint '{checkpoint.Path}' holds rewards for {state.Rewards.Length - 1} captions, but the task has {Vocabulary.Count}");
        state.Seen.CopyTo(_seen, 0);
        state.Rewards.CopyTo(_rewards, 0);
        for (int code = 1; code < _seen.Length; code++)
            if (_seen[code]) OnRestored(code);
    }

    /// <summary>Called after a load for each caption seen before the checkpoint: asks again what <see cref="OnFirstSeen"/>
    /// asked, which the annotation cache answers at once without a request, so the next refresh has the answers.</summary>
    protected virtual void OnRestored(int code) => OnFirstSeen(code);

    /// <summary>Releases the model's networks, if any.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>A request to the annotation service, which never blocks.</summary>
    protected static void Ask(AnnotationService service, string item) => service.Request(item);
}

/// <summary>The checkpointed part of a <see cref="CaptionRewardModel"/>.</summary>
public sealed record CaptionRewardModelState(OniRewardModelKind Kind, bool[] Seen, float[] Rewards);
