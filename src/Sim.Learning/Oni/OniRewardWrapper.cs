using Sim.Core;
using Sim.Core.Wrappers;

namespace Sim.Learning.Oni;

/// <summary>ONI's reward stage: r = c_ext·r_ext + c_llm·r_int(caption) / N(caption)^β, where N counts the caption's
/// occurrences in the current episode of that env, so an event pays less each time it repeats.</summary>
/// <remarks>
/// <para>It reads the captions of the step (<see cref="StepInfos.Captions"/>), shows each to the
/// <see cref="CaptionRewardModel"/> (which asks the LLM about new ones in the background and never waits), and reads
/// the model's current reward by code. Steps without a caption add nothing. The env's reward stays in the info column
/// <see cref="RewardWrapper.EnvRewardKey"/> and the weighted intrinsic term in <see cref="IntrinsicRewardKey"/>.</para>
/// <para>The counts are part of the chain's saved state, so a resumed run continues each episode's decay.</para>
/// </remarks>
public sealed class OniRewardWrapper : VectorEnvWrapper
{
    /// <summary>Info column of c_llm·r_int / N^β, the intrinsic part of each step's reward.</summary>
    public const string IntrinsicRewardKey = "intrinsic_reward";

    readonly CaptionRewardModel _model;
    readonly StepCaptions _captions;
    readonly double _extrinsic, _intrinsic, _exponent;
    readonly int _codes;
    readonly int[] _counts;
    readonly float[] _rewards;
    readonly float[] _envColumn, _intrinsicColumn;
    double _extrinsicMagnitude, _intrinsicMagnitude;

    /// <summary>Wraps <paramref name="inner"/>, whose task must emit captions, with rewards from <paramref name="model"/>.</summary>
    public OniRewardWrapper(IVectorEnv inner, CaptionRewardModel model, OniOptions options) : base(inner)
    {
        ArgumentNullException.ThrowIfNull(options);
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _captions = inner.Infos.Captions ?? throw new ArgumentException(
            "the env emits no event captions: ONI needs a task that describes its steps (ArmPush, ArmReach, ReacherSparse, Hopper, Walker2d, HalfCheetah)", nameof(inner));
        if (!_captions.Vocabulary.SequenceEqual(model.Vocabulary))
            throw new ArgumentException("the reward model was built for other captions than the env emits", nameof(model));
        _extrinsic = options.ExtrinsicCoefficient;
        _intrinsic = options.IntrinsicCoefficient;
        _exponent = options.CountExponent;
        _codes = _captions.Vocabulary.Count + 1;
        _counts = new int[inner.NumEnvs * _codes];
        _rewards = new float[inner.NumEnvs];
        _envColumn = inner.Infos.AddValue(RewardWrapper.EnvRewardKey);
        _intrinsicColumn = inner.Infos.AddValue(IntrinsicRewardKey);
    }

    /// <inheritdoc/>
    public override ReadOnlySpan<float> Rewards => _rewards;

    /// <summary>The intrinsic term's share of the reward's magnitude since the last call, Σ|intrinsic| ÷ (Σ|extrinsic| + Σ|intrinsic|),
    /// and restarts the sums; 0 when both are 0.</summary>
    public double TakeIntrinsicShare()
    {
        double total = _extrinsicMagnitude + _intrinsicMagnitude;
        double share = total == 0 ? 0 : _intrinsicMagnitude / total;
        _extrinsicMagnitude = _intrinsicMagnitude = 0;
        return share;
    }

    /// <inheritdoc/>
    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        var inner = Inner.Rewards;
        var terminated = Inner.Terminated;
        var truncated = Inner.Truncated;
        var codes = _captions.Codes;
        for (int i = 0; i < _rewards.Length; i++)
        {
            int code = codes[i];
            double extrinsic = _extrinsic * inner[i], intrinsic = 0;
            if (code != StepCaptions.None)
            {
                _model.Observe(code);
                int n = ++_counts[i * _codes + code];
                intrinsic = _intrinsic * _model.Reward(code) / Math.Pow(n, _exponent);
            }
            _rewards[i] = (float)(extrinsic + intrinsic);
            _envColumn[i] = inner[i];
            _intrinsicColumn[i] = (float)intrinsic;
            _extrinsicMagnitude += Math.Abs(extrinsic);
            _intrinsicMagnitude += Math.Abs(intrinsic);
            if (terminated[i] || truncated[i]) Array.Clear(_counts, i * _codes, _codes);
        }
    }

    /// <inheritdoc/>
    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        Array.Clear(_counts);
        Array.Clear(_rewards);
    }

    /// <inheritdoc/>
    public override void Truncate(int env)
    {
        Inner.Truncate(env);
        Array.Clear(_counts, env * _codes, _codes);
    }

    /// <inheritdoc/>
    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write(_counts.Length);
        foreach (int c in _counts) writer.Write(c);
        foreach (float r in _rewards) writer.Write(r);
    }

    /// <inheritdoc/>
    protected override void LoadWrapperState(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length != _counts.Length)
            throw new InvalidDataException($"the saved ONI stage counts {length} caption slots, this chain {_counts.Length}: the env or its captions differ");
        for (int k = 0; k < length; k++) _counts[k] = reader.ReadInt32();
        for (int i = 0; i < _rewards.Length; i++) _rewards[i] = reader.ReadSingle();
    }
}
