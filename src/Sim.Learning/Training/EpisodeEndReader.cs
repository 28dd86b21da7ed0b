using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Learning.Ppo;

namespace Sim.Learning.Training;

/// <summary>Reads the episodes that ended on the last step from the columns of a <see cref="RecordEpisodeStatistics"/>
/// in an env chain; trainers use it to report returns without knowing where the wrapper sits.</summary>
internal sealed class EpisodeEndReader
{
    readonly bool[]? _done;
    readonly float[]? _return;
    readonly float[]? _length;
    // Success is judged from the goal env's own final observation: its is_success flag is already cleared by the
    // same-step autoreset when the episode's end is read.
    readonly IGoalEnv? _goal;
    readonly IVectorEnv _bottom;
    readonly int _rowSize, _achievedOffset, _desiredOffset, _goalSize;

    /// <summary>Finds the episode statistics columns of <paramref name="env"/>; without them no episode is ever reported.</summary>
    public EpisodeEndReader(IVectorEnv env)
    {
        if (env.Infos.TryGetFlag(RecordEpisodeStatistics.DoneKey, out var done)
            && env.Infos.TryGetValue(RecordEpisodeStatistics.ReturnKey, out var returns)
            && env.Infos.TryGetValue(RecordEpisodeStatistics.LengthKey, out var lengths))
        {
            _done = done;
            _return = returns;
            _length = lengths;
        }
        _goal = GoalEnvLookup.Find(env, out _bottom);
        if (_goal is not null)
        {
            var space = _goal.SingleDictObservationSpace;
            _rowSize = space.FlatSize;
            (_achievedOffset, _goalSize) = space.Range(IGoalEnv.AchievedGoalKey);
            _desiredOffset = space.Range(IGoalEnv.DesiredGoalKey).Offset;
        }
    }

    /// <summary>Number of envs whose columns are read (0 without episode statistics).</summary>
    public int NumEnvs => _done?.Length ?? 0;

    /// <summary>The episode env <paramref name="env"/> finished on the last step (with whether its last step reached the goal, on a goal env), stamped with <paramref name="globalStep"/>, if any.</summary>
    public bool TryRead(int env, long globalStep, out EpisodeEnd episode)
    {
        if (_done is null || !_done[env])
        {
            episode = default;
            return false;
        }
        episode = new EpisodeEnd(env, _return![env], (int)_length![env], globalStep, Success(env));
        return true;
    }

    bool? Success(int env)
    {
        if (_goal is null) return null;
        var row = _bottom.FinalObservations.Slice(env * _rowSize, _rowSize);
        return _goal.IsSuccess(row.Slice(_achievedOffset, _goalSize), row.Slice(_desiredOffset, _goalSize));
    }
}
