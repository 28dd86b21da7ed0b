using Sim.Core;
using Sim.Rewards.Robot;

namespace Sim.Learning.Progress;

/// <summary>The completed episodes SPA's progress estimator learns from: each episode's (obs, action) steps, its outcome,
/// and the env's dense reward of each step where there is one (for the correlation metric), the newest
/// <see cref="Capacity"/> kept; plus every env's episode in progress.</summary>
/// <remarks>Steps are added one env at a time as the reward stage sees them; an episode joins the store when its last step
/// is added. Everything, the episodes in progress included, is saved and restored, so a resumed run trains on exactly
/// the episodes the uninterrupted one does.</remarks>
public sealed class ProgressEpisodeStore
{
    const int StateVersion = 1;

    sealed class Running
    {
        public readonly List<float> Observations = [];
        public readonly List<float> Actions = [];
        public readonly List<float> Dense = [];
    }

    /// <summary>A completed episode: its steps as a segment, its outcome, and the dense reward per step (empty when the env has none).</summary>
    public sealed record Episode(Segment Steps, float Outcome, float[] Dense);

    readonly string _envId;
    readonly int _obs, _act;
    readonly Running[] _running;
    readonly Episode?[] _ring;
    int _start, _count;

    /// <summary>A store for <paramref name="numEnvs"/> envs of <paramref name="envId"/> keeping the newest <paramref name="capacity"/> episodes.</summary>
    public ProgressEpisodeStore(string envId, int numEnvs, int observationSize, int actionSize, int capacity)
    {
        ArgumentNullException.ThrowIfNull(envId);
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"numEnvs = {numEnvs}: expected at least 1");
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize = {observationSize}: expected at least 1");
        if (actionSize < 0) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, $"actionSize = {actionSize}: expected at least 0");
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity = {capacity}: expected at least 1 episode");
        _envId = envId;
        _obs = observationSize;
        _act = actionSize;
        _running = Enumerable.Range(0, numEnvs).Select(_ => new Running()).ToArray();
        _ring = new Episode?[capacity];
    }

    /// <summary>Episodes kept at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Completed episodes kept.</summary>
    public int Count => _count;

    /// <summary>Episodes completed since the store was created (kept or not).</summary>
    public long Completed { get; private set; }

    /// <summary>The kept episodes, oldest first.</summary>
    public IReadOnlyList<Episode> Episodes => Enumerable.Range(0, _count).Select(i => _ring[(_start + i) % _ring.Length]!).ToArray();

    /// <summary>Adds env <paramref name="env"/>'s step (the observation it was taken from, the action, and the env's dense
    /// reward for it, or NaN when there is none); with <paramref name="outcome"/> the step ends the episode, which joins
    /// the store with that outcome.</summary>
    public void AddStep(int env, ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float dense, float? outcome)
    {
        if ((uint)env >= (uint)_running.Length) throw new ArgumentOutOfRangeException(nameof(env), env, $"env {env}: expected an index below {_running.Length}");
        if (observation.Length != _obs || action.Length != _act)
            throw new ArgumentException($"a step of {observation.Length} observation and {action.Length} action floats: expected {_obs} and {_act}");
        var running = _running[env];
        foreach (float x in observation) running.Observations.Add(x);
        foreach (float x in action) running.Actions.Add(x);
        running.Dense.Add(dense);
        if (outcome is float value) Finish(env, value);
    }

    void Finish(int env, float outcome)
    {
        var running = _running[env];
        var dense = running.Dense.ToArray();
        Keep(MakeEpisode(Completed, running.Observations.ToArray(), running.Actions.ToArray(), outcome, dense.Any(float.IsNaN) ? [] : dense));
        Completed++;
        running.Observations.Clear();
        running.Actions.Clear();
        running.Dense.Clear();
    }

    // An episode's steps as a segment of the store's env (the segment's own reward column is unused: the outcome is the target).
    Episode MakeEpisode(long number, float[] observations, float[] actions, float outcome, float[] dense)
    {
        int length = observations.Length / _obs;
        var steps = new Segment
        {
            Source = "spa",
            EnvId = _envId,
            Episode = number,
            Length = length,
            ObservationSize = _obs,
            ActionSize = _act,
            Observations = observations,
            Actions = actions,
            TrueRewards = new float[length],
        };
        return new Episode(steps, outcome, dense);
    }

    void Keep(Episode episode)
    {
        if (_count < _ring.Length)
        {
            _ring[(_start + _count) % _ring.Length] = episode;
            _count++;
        }
        else
        {
            _ring[_start] = episode;
            _start = (_start + 1) % _ring.Length;
        }
    }

    /// <summary>Writes the kept episodes and those in progress.</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateVersion);
        writer.Write(_running.Length);
        writer.Write(_obs);
        writer.Write(_act);
        writer.Write(_ring.Length);
        writer.Write(Completed);
        foreach (var running in _running) WriteSteps(writer, running.Observations.ToArray(), running.Actions.ToArray(), running.Dense.ToArray());
        writer.Write(_count);
        foreach (var episode in Episodes)
        {
            writer.Write(episode.Steps.Episode);
            writer.Write(episode.Outcome);
            WriteSteps(writer, episode.Steps.Observations, episode.Steps.Actions, episode.Dense);
        }
    }

    static void WriteSteps(BinaryWriter writer, float[] observations, float[] actions, float[] dense)
    {
        WriteFloats(writer, observations);
        WriteFloats(writer, actions);
        WriteFloats(writer, dense);
    }

    // The length goes first as well, so the reader can allocate the array WriteArray's own count is checked against.
    static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        writer.WriteArray<float>(values);
    }

    /// <summary>Restores what <see cref="Save"/> wrote into a store built with the same sizes.</summary>
    /// <exception cref="InvalidDataException">The state is from a store built otherwise, or corrupt.</exception>
    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        reader.ExpectInt32(StateVersion, "SPA episode store version");
        reader.ExpectInt32(_running.Length, "SPA episode store env count");
        reader.ExpectInt32(_obs, "SPA episode store observation size");
        reader.ExpectInt32(_act, "SPA episode store action size");
        reader.ExpectInt32(_ring.Length, "SPA episode store capacity");
        long completed = reader.ReadInt64();
        var running = new (float[] Obs, float[] Act, float[] Dense)[_running.Length];
        for (int env = 0; env < running.Length; env++) running[env] = ReadSteps(reader, $"env {env}'s episode in progress");
        int count = reader.ReadInt32();
        if (count < 0 || count > _ring.Length || count > completed)
            throw new InvalidDataException($"the SPA episode store holds {count} episodes: expected 0..{Math.Min(_ring.Length, completed)}");
        var kept = new Episode[count];
        for (int i = 0; i < count; i++)
        {
            long number = reader.ReadInt64();
            float outcome = reader.ReadSingle();
            var (obs, act, dense) = ReadSteps(reader, $"kept episode {number}");
            int length = obs.Length / _obs;
            if (length < 1 || (dense.Length != 0 && dense.Length != length))
                throw new InvalidDataException($"kept episode {number} has {length} steps and {dense.Length} dense rewards: expected at least 1 step, and a reward per step or none");
            kept[i] = MakeEpisode(number, obs, act, outcome, dense);
        }
        for (int env = 0; env < running.Length; env++)
        {
            _running[env].Observations.Clear();
            _running[env].Observations.AddRange(running[env].Obs);
            _running[env].Actions.Clear();
            _running[env].Actions.AddRange(running[env].Act);
            _running[env].Dense.Clear();
            _running[env].Dense.AddRange(running[env].Dense);
        }
        Array.Clear(_ring);
        _start = 0;
        _count = 0;
        foreach (var episode in kept) Keep(episode);
        Completed = completed;
    }

    (float[] Obs, float[] Act, float[] Dense) ReadSteps(BinaryReader reader, string what)
    {
        var obs = ReadFloats(reader, $"{what} observations");
        var act = ReadFloats(reader, $"{what} actions");
        var dense = ReadFloats(reader, $"{what} dense rewards");
        if (obs.Length % _obs != 0 || (_act > 0 && act.Length / _act != obs.Length / _obs))
            throw new InvalidDataException($"{what}: {obs.Length} observation and {act.Length} action floats do not make whole steps of {_obs} and {_act}");
        return (obs, act, dense);
    }

    static float[] ReadFloats(BinaryReader reader, string what)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 100_000_000) throw new InvalidDataException($"{what}: the state holds {count} values");
        var values = new float[count];
        reader.ReadArray<float>(values, what);
        return values;
    }
}
