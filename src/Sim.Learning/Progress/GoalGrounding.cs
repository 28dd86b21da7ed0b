using Sim.Core;

namespace Sim.Learning.Progress;

/// <summary>SPA's grounding signal g_t on a goal env: <see cref="Weight"/> when the step moved the achieved goal further
/// than ε (the fingertip on ArmReach, the puck on ArmPush, so there it means "the arm touched the puck"), else 0.</summary>
/// <remarks>It reads the achieved-goal slice of the observation before and after the step, so it is a function of the
/// transition alone and relabelled replay rows get the same g_t as when they were collected.</remarks>
public sealed class GoalGrounding
{
    readonly int _observationSize, _offset, _goalSize;
    readonly double _epsilonSquared;

    /// <summary>Grounding on observation rows of <paramref name="observationSize"/> floats whose achieved goal is the
    /// <paramref name="goalSize"/> floats at <paramref name="offset"/>.</summary>
    public GoalGrounding(int observationSize, int offset, int goalSize, double epsilon, double weight)
    {
        if (goalSize < 1 || offset < 0 || offset + goalSize > observationSize)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"achieved goal at {offset}..{offset + goalSize}: expected a slice inside the {observationSize}-float observation");
        if (!(epsilon >= 0 && double.IsFinite(epsilon))) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"ε = {epsilon}: expected a finite distance ≥ 0");
        if (!double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, $"weight = {weight}: expected a finite number");
        _observationSize = observationSize;
        _offset = offset;
        _goalSize = goalSize;
        _epsilonSquared = epsilon * epsilon;
        Epsilon = epsilon;
        Weight = weight;
    }

    /// <summary>Grounding on the achieved goal of <paramref name="env"/>'s observation rows.</summary>
    public static GoalGrounding Of(IGoalEnv env, double epsilon, double weight)
    {
        ArgumentNullException.ThrowIfNull(env);
        var space = env.SingleDictObservationSpace;
        return new GoalGrounding(space.FlatSize, space.Range(IGoalEnv.AchievedGoalKey).Offset, env.GoalSize, epsilon, weight);
    }

    /// <summary>ε, the distance the achieved goal must exceed.</summary>
    public double Epsilon { get; }

    /// <summary>g_t when it fires.</summary>
    public double Weight { get; }

    /// <summary>Adds g_t of each transition (row i of <paramref name="observations"/> and <paramref name="nextObservations"/>)
    /// to <paramref name="rewards"/>[i], and returns how many fired.</summary>
    public int AddTo(ReadOnlySpan<float> observations, ReadOnlySpan<float> nextObservations, Span<float> rewards)
    {
        int fired = 0;
        for (int i = 0; i < rewards.Length; i++)
        {
            var before = observations.Slice(i * _observationSize + _offset, _goalSize);
            var after = nextObservations.Slice(i * _observationSize + _offset, _goalSize);
            double squared = 0;
            for (int k = 0; k < _goalSize; k++)
            {
                double d = after[k] - before[k];
                squared += d * d;
            }
            if (squared > _epsilonSquared)
            {
                rewards[i] += (float)Weight;
                fired++;
            }
        }
        return fired;
    }
}
