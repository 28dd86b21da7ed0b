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
    readonly bool[]? _success;

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
        if (env.Infos.TryGetFlag(Sim.Core.IGoalEnv.SuccessFlag, out var success)) _success = success;
    }

    /// <summary>Number of envs whose columns are read (0 without episode statistics).</summary>
    public int NumEnvs => _done?.Length ?? 0;

    /// <summary>The episode env <paramref name="env"/> finished on the last step (with its last step's is_success flag where the env has one), stamped with <paramref name="globalStep"/>, if any.</summary>
    public bool TryRead(int env, long globalStep, out EpisodeEnd episode)
    {
        if (_done is null || !_done[env])
        {
            episode = default;
            return false;
        }
        episode = new EpisodeEnd(env, _return![env], (int)_length![env], globalStep, _success?[env]);
        return true;
    }
}
