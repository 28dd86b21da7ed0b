using Sim.Core;

namespace Sim.Core.Wrappers;

/// <summary>Truncates each episode after <see cref="MaxEpisodeSteps"/> steps; an episode that terminates on that step is reported as both terminated and truncated, as in Gymnasium.</summary>
public sealed class TimeLimit : VectorEnvWrapper
{
    readonly int[] _elapsed;

    /// <summary>Limits episodes of <paramref name="inner"/> to <paramref name="maxEpisodeSteps"/> steps.</summary>
    public TimeLimit(IVectorEnv inner, int maxEpisodeSteps) : base(inner)
    {
        if (maxEpisodeSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "expected at least 1 step per episode");
        MaxEpisodeSteps = maxEpisodeSteps;
        _elapsed = new int[inner.NumEnvs];
    }

    /// <summary>Steps after which an episode is truncated.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken in each env's current episode.</summary>
    public ReadOnlySpan<int> ElapsedSteps => _elapsed;

    protected override void SaveWrapperState(BinaryWriter writer)
    {
        writer.Write(MaxEpisodeSteps);
        writer.WriteArray<int>(_elapsed);
    }

    protected override void LoadWrapperState(BinaryReader reader)
    {
        reader.ExpectInt32(MaxEpisodeSteps, "TimeLimit max episode steps");
        reader.ReadArray<int>(_elapsed, "TimeLimit elapsed steps");
    }

    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        Array.Clear(_elapsed);
    }

    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        var started = Inner.EpisodeStarted;
        var terminated = Inner.Terminated;
        var truncated = Inner.Truncated;
        bool sameStep = AutoresetMode == AutoresetMode.SameStep;
        for (int i = 0; i < _elapsed.Length; i++)
        {
            if (started[i] && !(sameStep && (terminated[i] || truncated[i])))
            {
                // A next-step reset: this step began a new episode and took no env step.
                _elapsed[i] = 0;
                continue;
            }
            int elapsed = _elapsed[i] + 1;
            if (terminated[i] || truncated[i])
            {
                // Terminal on the limit step: reported as both terminated and truncated, as Gymnasium's TimeLimit does.
                if (terminated[i] && !truncated[i] && elapsed >= MaxEpisodeSteps) Inner.Truncate(i);
                _elapsed[i] = 0;
            }
            else if (elapsed >= MaxEpisodeSteps)
            {
                Inner.Truncate(i);
                _elapsed[i] = 0;
            }
            else
            {
                _elapsed[i] = elapsed;
            }
        }
    }
}
