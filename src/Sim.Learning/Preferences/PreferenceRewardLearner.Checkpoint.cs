using Sim.Core;
using Sim.Learning.Runs;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;

namespace Sim.Learning.Preferences;

// Checkpointing the preference side of a run: the reward model with its optimizers, the episode history queries are
// cut from, and the schedule, teachers and random streams, so that a resumed run asks and learns as the original would.
//
// Labels live in the run's label store, which is written at once and outlives any checkpoint. Pairs added after the
// checkpoint a run resumes from belong to rounds that the resumed run asks again, so they are set aside: kept in the
// store, but not trained on.
public sealed partial class PreferenceRewardLearner
{
    const int StateVersion = 1;
    const string StatePart = "preference";
    const string HistoryPart = "episode_history";
    const string MemberPartPrefix = "reward_member_";
    const string OptimizerPartPrefix = "reward_optimizer_";

    // Ranges (After, Through] of pair ids added after a checkpoint that a later resume went back to.
    readonly List<(long After, long Through)> _setAside = new();

    /// <summary>Pairs in the label store that belong to rounds a resume went back before, and are not trained on.</summary>
    public long SetAsidePairCount => _setAside.Sum(r => r.Through - r.After);

    /// <summary>Adds the learner's parts to a checkpoint: each member's weights and optimizer, the episode history and
    /// the remaining state (schedule, teachers, random streams, normaliser, the label store's newest pair).</summary>
    public void Save(CheckpointContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var ensemble = Model.Ensemble;
        for (int m = 0; m < ensemble.MemberCount; m++)
        {
            contents.AddModule(MemberPartPrefix + m, ensemble.Members[m]);
            contents.AddOptimizer(OptimizerPartPrefix + m, ensemble.Optimizers[m]);
        }
        contents.AddStream(HistoryPart, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            History.Save(writer);
        });
        contents.AddStream(StatePart, WriteState);
    }

    /// <summary>Restores the parts <see cref="Save"/> added, into a learner built with the same options.</summary>
    /// <exception cref="InvalidDataException">When a part is missing, corrupt or from a learner built otherwise.</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var ensemble = Model.Ensemble;
        for (int m = 0; m < ensemble.MemberCount; m++)
        {
            checkpoint.LoadModule(MemberPartPrefix + m, ensemble.Members[m]);
            checkpoint.LoadOptimizer(OptimizerPartPrefix + m, ensemble.Optimizers[m]);
        }
        if (checkpoint.Contains(MemberPartPrefix + ensemble.MemberCount))
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' holds more than {ensemble.MemberCount} reward model members: it was saved with another ensemble size");
        ReadPart(checkpoint, HistoryPart, reader => History.Load(reader));
        ReadPart(checkpoint, StatePart, reader => ReadState(reader, checkpoint.Path));
    }

    static void ReadPart(Checkpoint checkpoint, string part, Action<BinaryReader> read)
    {
        using var stream = checkpoint.OpenRead(part);
        using var reader = new BinaryReader(stream);
        try
        {
            read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' part \"{part}\" ends early: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' part \"{part}\": {e.Message}", e);
        }
        if (stream.Position != stream.Length)
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' part \"{part}\" has {stream.Length - stream.Position} bytes left over: it was written by another build");
    }

    void WriteState(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StateVersion);
        writer.Write(_schedule.RoundsTaken);
        writer.Write(HasTrainedModel);
        writer.WriteRandom(_rng);
        _teacher.SaveState(writer);
        _oracle.SaveState(writer);
        Model.Ensemble.SaveSamplingState(writer);
        writer.Write(Model.Normalizer.Mean);
        writer.Write(Model.Normalizer.Std);
        writer.Write(Model.Normalizer.FittedCount);
        writer.Write(_store.GetLastPairId());
        writer.Write(_setAside.Count);
        foreach (var (after, through) in _setAside)
        {
            writer.Write(after);
            writer.Write(through);
        }
    }

    void ReadState(BinaryReader reader, string checkpointPath)
    {
        reader.ExpectInt32(StateVersion, "preference learner state version");
        int rounds = reader.ReadInt32();
        QuerySchedule schedule;
        try
        {
            schedule = QuerySchedule.Resume(_schedule.Options, rounds);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"the saved schedule does not fit this run's: {e.Message}", e);
        }
        bool trained = reader.ReadFlag("trained flag");
        var rng = reader.ReadRandom("preference learner random state");
        _teacher.LoadState(reader);
        _oracle.LoadState(reader);
        Model.Ensemble.LoadSamplingState(reader);
        double mean = reader.ReadDouble(), std = reader.ReadDouble();
        long fitted = reader.ReadInt64();
        try
        {
            Model.Normalizer.Set(mean, std, fitted);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"the saved reward normaliser is corrupt: {e.Message}", e);
        }
        long lastPairId = reader.ReadInt64();
        int ranges = reader.ReadInt32();
        if (lastPairId < 0 || ranges < 0 || ranges > 1_000_000)
            throw new InvalidDataException($"the saved label positions are corrupt: last pair {lastPairId}, {ranges} ranges set aside");
        var setAside = new List<(long, long)>(ranges);
        for (int i = 0; i < ranges; i++) setAside.Add((reader.ReadInt64(), reader.ReadInt64()));

        long newest = _store.GetLastPairId();
        if (newest < lastPairId)
            throw new InvalidDataException(
                $"the label store '{_store.FilePath}' ends at pair {newest}, but checkpoint '{checkpointPath}' was saved when it held pair {lastPairId}: the store is not this run's, or lost pairs");
        if (newest > lastPairId) setAside.Add((lastPairId, newest));
        _schedule = schedule;
        HasTrainedModel = trained;
        _rng = rng;
        _setAside.Clear();
        _setAside.AddRange(setAside);
    }

    // Every stored label except those of pairs set aside by a resume.
    IReadOnlyList<LabeledPair> TrainableLabels()
    {
        var labels = _store.GetLabeledPairs();
        if (_setAside.Count == 0) return labels;
        return labels.Where(l => !_setAside.Any(r => l.Pair.Id > r.After && l.Pair.Id <= r.Through)).ToList();
    }
}
