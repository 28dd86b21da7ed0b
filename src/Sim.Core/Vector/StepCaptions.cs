namespace Sim.Core;

/// <summary>The event caption of each env's last step ("the hopper fell"): a code per env into a fixed vocabulary.</summary>
/// <remarks>
/// A task declares every caption it can emit when it is built, and a step writes only a code, so stepping allocates
/// nothing and recorders and learners copy integers. Code <see cref="None"/> means that nothing worth a caption
/// happened; code k &gt; 0 is <see cref="Vocabulary"/>[k − 1]. A step carries at most one caption: the task picks the
/// most telling event (reaching a target over touching a puck over moving closer).
/// </remarks>
public sealed class StepCaptions
{
    /// <summary>The code of a step without a caption.</summary>
    public const int None = 0;

    readonly string[] _vocabulary;

    /// <summary>Captions for <paramref name="numEnvs"/> envs drawn from <paramref name="vocabulary"/> (non-empty, distinct, no blank entry).</summary>
    public StepCaptions(int numEnvs, IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "expected at least one env");
        if (vocabulary.Count == 0) throw new ArgumentException("the caption vocabulary is empty: expected at least one caption", nameof(vocabulary));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(vocabulary[i]))
                throw new ArgumentException($"caption {i} is blank: every caption must say what happened", nameof(vocabulary));
            if (!seen.Add(vocabulary[i])) throw new ArgumentException($"caption '{vocabulary[i]}' is listed twice", nameof(vocabulary));
        }
        _vocabulary = vocabulary.ToArray();
        Codes = new int[numEnvs];
    }

    /// <summary>Every caption the task can emit, in code order (code k is entry k − 1).</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>The code of each env's last step, written by the env while it steps.</summary>
    public int[] Codes { get; }

    /// <summary>The caption of env <paramref name="env"/>'s last step, or the empty string when it had none.</summary>
    public string Text(int env) => TextOf(Codes[env]);

    /// <summary>The caption of <paramref name="code"/>, or the empty string for <see cref="None"/>.</summary>
    public string TextOf(int code)
    {
        if (code == None) return "";
        if ((uint)(code - 1) >= (uint)_vocabulary.Length)
            throw new ArgumentOutOfRangeException(nameof(code), code, $"caption code {code} does not exist: expected 0 (none) to {_vocabulary.Length}");
        return _vocabulary[code - 1];
    }

    /// <summary>The code of <paramref name="caption"/>; an error listing the vocabulary when the task never emits it.</summary>
    public int CodeOf(string caption)
    {
        int index = Array.IndexOf(_vocabulary, caption);
        return index >= 0 ? index + 1
            : throw new ArgumentException($"'{caption}' is not a caption of this task; its captions: {string.Join("; ", _vocabulary)}", nameof(caption));
    }
}
