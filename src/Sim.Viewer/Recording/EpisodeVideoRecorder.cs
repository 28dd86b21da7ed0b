using Sim.Core;
using Sim.Core.Trajectories;
using Sim.Core.Wrappers;
using Sim.Viewer.Clips;
using Sim.Viewer.Gl;

namespace Sim.Viewer.Recording;

/// <summary>A pass-through wrapper that films sub-env 0: the episodes a <see cref="VideoSchedule"/> picks are recorded and
/// handed to an <see cref="EpisodeVideoWriter"/>, which renders them in the background (Gymnasium's RecordVideo for a
/// vector env, as CleanRL's <c>--capture_video</c> uses it).</summary>
/// <remarks>
/// Episodes of env 0 are numbered from 0 in the order they start, counting from the first <see cref="Reset"/>. Only the
/// episodes the schedule picks are recorded, so stepping between them costs a flag check. Place the wrapper right above
/// the base env: the overlay then shows the env's own reward, the recorded observations are raw, and time-limit
/// truncations inside it are seen with their steps. A truncation forwarded from a wrapper above still ends the episode
/// here. An episode cut short by a reset gets no video. The episode counter is saved with the env state; after a load
/// the episode already under way is skipped, and recording resumes at the next episode start.
/// </remarks>
public sealed class EpisodeVideoRecorder : VectorEnvWrapper
{
    const int FilmedEnv = 0;

    readonly Func<long, bool> _schedule;
    TrajectoryRecorder? _recorder;
    long _episodesStarted;
    long _recording = -1;

    /// <summary>Films <paramref name="env"/>, labelled <paramref name="envId"/>, into <paramref name="folder"/> with
    /// <paramref name="settings"/>, on the episodes <paramref name="schedule"/> picks (default: <see cref="VideoSchedule.CappedCubic"/>).</summary>
    public EpisodeVideoRecorder(IVectorEnv env, string envId, string folder, ClipSettings? settings = null, Func<long, bool>? schedule = null,
        GlBackend backend = GlBackend.Auto, IReadOnlyDictionary<string, string>? envArgs = null)
        : this(env, envId, new EpisodeVideoWriter(folder, settings, backend: backend), schedule, envArgs)
    {
    }

    /// <summary>Films <paramref name="env"/>, labelled <paramref name="envId"/>, through <paramref name="writer"/>, which
    /// this wrapper disposes, on the episodes <paramref name="schedule"/> picks (default: <see cref="VideoSchedule.CappedCubic"/>);
    /// <paramref name="envArgs"/> are the keyword arguments the env was built with, which rendering rebuilds it with.</summary>
    public EpisodeVideoRecorder(IVectorEnv env, string envId, EpisodeVideoWriter writer, Func<long, bool>? schedule = null,
        IReadOnlyDictionary<string, string>? envArgs = null) : base(env)
    {
        ArgumentException.ThrowIfNullOrEmpty(envId);
        ArgumentNullException.ThrowIfNull(writer);
        EnvId = envId;
        EnvArgs = envArgs ?? new Dictionary<string, string>();
        Writer = writer;
        _schedule = schedule ?? VideoSchedule.CappedCubic;
    }

    /// <summary>The env id the videos are named and rendered after.</summary>
    public string EnvId { get; }

    /// <summary>The keyword arguments the env was built with.</summary>
    public IReadOnlyDictionary<string, string> EnvArgs { get; }

    /// <summary>Where the videos go; its counters say how many were written and dropped.</summary>
    public EpisodeVideoWriter Writer { get; }

    /// <summary>Episodes of env 0 started so far: the id the next one will get.</summary>
    public long EpisodesStarted => _episodesStarted;

    /// <inheritdoc/>
    public override void Reset(ulong? seed = null)
    {
        Inner.Reset(seed);
        _recording = -1;
        BeginEpisode(seed);
    }

    /// <inheritdoc/>
    public override void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(actions);
        if (_recording >= 0)
        {
            _recorder!.RecordStep(actions);
            if (Terminated[FilmedEnv] || Truncated[FilmedEnv]) FinishEpisode();
        }
        if (EpisodeStarted[FilmedEnv]) BeginEpisode(seed: null);
    }

    /// <inheritdoc/>
    public override void Truncate(int env)
    {
        bool running = env == FilmedEnv && !(Terminated[FilmedEnv] || Truncated[FilmedEnv]);
        Inner.Truncate(env);
        if (!running || !Truncated[FilmedEnv]) return;
        // The step that ended the episode was recorded as a middle step; its observation is still the last one.
        if (_recording >= 0)
        {
            _recorder!.FlushInProgress();
            FinishEpisode();
        }
        if (EpisodeStarted[FilmedEnv]) BeginEpisode(seed: null);
    }

    void BeginEpisode(ulong? seed)
    {
        long episode = _episodesStarted++;
        if (Writer.IsStopped || !_schedule(episode))
        {
            _recording = -1;
            return;
        }
        _recorder ??= new TrajectoryRecorder(Inner, EnvId, [FilmedEnv], envArgs: EnvArgs);
        _recorder.RecordReset(seed);
        // An episode left unfinished in the recorder (by a reset or a load) is not one to film.
        if (_recorder.Completed.Count > 0) _recorder.TakeCompleted();
        _recording = episode;
    }

    void FinishEpisode()
    {
        var finished = _recorder!.TakeCompleted();
        // Once capture has stopped, an episode already being filmed is let go rather than counted as dropped.
        if (finished.Count > 0 && !Writer.IsStopped) Writer.TryAdd(finished[^1], _recording);
        _recording = -1;
    }

    /// <inheritdoc/>
    protected override void SaveWrapperState(BinaryWriter writer) => writer.Write(_episodesStarted);

    /// <inheritdoc/>
    protected override void LoadWrapperState(BinaryReader reader)
    {
        long episodes = reader.ReadInt64();
        if (episodes < 0) throw new InvalidDataException($"the video recorder's episode count is {episodes}: expected 0 or more");
        _episodesStarted = episodes;
        _recording = -1;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Writer.Dispose();
        base.Dispose(disposing);
    }
}
