namespace Sim.Core.Wrappers;

/// <summary>Delays the reward to the end of each episode: every step pays 0 except the episode's last, which pays the
/// whole undiscounted return of the inner env (the "delayed MuJoCo" test bed for credit assignment).</summary>
/// <remarks>
/// The return is paid on the step that ends the episode, whether it terminated or was truncated, including a
/// truncation an outer wrapper makes after this one has processed the step (<see cref="Truncate"/>). The running sum
/// is kept in double, so the paid return equals the sum of the inner rewards to float precision however long the
/// episode. A next-step reset step is no transition and adds nothing. Stack episode statistics beneath this wrapper
/// or above it: the episode's return is the same either way.
/// </remarks>
public sealed class EpisodicReward : VectorEnvWrapper
{
    readonly double[] _sums;
    readonly float[] _rewards;

    /// <summary>Delays the rewards of <paramref name="inner"/>.</summary>
    public EpisodicReward(IVectorEnv inner) : base(inner)
    {
        _sums = new double[inner.NumEnvs];
        _rewards = new float[inner.NumEnvs];
    }

    /// <summary>The return accumulated so far in each env's current episode, to be paid when it ends.</summary>
    public ReadOnlySpan<double> PendingReturns => _sums;

    public override ReadOnlySpan<float> Rewards => _rewards;

    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        Array.Clear(_sums);
        Array.Clear(_rewards);
    }

    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        var rewards = Inner.Rewards;
        var terminated = Inner.Terminated;
        var truncated = Inner.Truncated;
        var started = Inner.EpisodeStarted;
        for (int i = 0; i < _rewards.Length; i++)
        {
            bool ended = terminated[i] || truncated[i];
            _rewards[i] = 0f;
            if (started[i] && !ended) continue;
            _sums[i] += rewards[i];
            if (ended) PayOut(i);
        }
    }

    public override void Truncate(int env)
    {
        // The step was paid as an ordinary one (0); now it is the episode's last and carries the return.
        if (EpisodeTruncation.Forward(Inner, env)) PayOut(env);
    }

    void PayOut(int env)
    {
        _rewards[env] = (float)_sums[env];
        _sums[env] = 0;
    }

    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.WriteArray<double>(_sums);
        writer.WriteArray<float>(_rewards);
    }

    protected override void LoadWrapperState(BinaryReader reader)
    {
        reader.ReadArray<double>(_sums, "EpisodicReward pending returns");
        reader.ReadArray<float>(_rewards, "EpisodicReward rewards");
    }
}
