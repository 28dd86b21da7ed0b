using Sim.Core;
using Sim.Learning.Runs;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Preferences;
using Sim.Rewards.Robot;
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
    // Version 2 adds the reward model's member scales after the normaliser; version 1 states load with identity scales,
    // which is how their models aggregated.
    const int StateVersion = 2;
    const int FirstStateVersion = 1;
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
        SaveDynamics(contents);
    }

    /// <summary>Restores the parts <see cref="Save"/> added, into a learner built with the same options. The query
    /// schedule is the saved one (a longer or shorter budget of env steps does not re-space the remaining rounds), and the
    /// model file at <see cref="ModelPath"/> is rewritten to match the checkpoint.</summary>
    /// <exception cref="InvalidDataException">When a part is missing, corrupt or from a learner built otherwise. A load
    /// that fails part way leaves the learner unusable.</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var ensemble = Model.Ensemble;
        string[] parts = [StatePart, HistoryPart, MemberPartPrefix + (ensemble.MemberCount - 1), OptimizerPartPrefix + (ensemble.MemberCount - 1)];
        if (parts.FirstOrDefault(p => !checkpoint.Contains(p)) is string missing)
            throw new InvalidDataException(
                $"checkpoint '{checkpoint.Path}' has no part \"{missing}\": it was not written by a preference run with {ensemble.MemberCount} reward members, "
                + "or by a build before preference runs could resume; start a new run");
        if (checkpoint.Contains(MemberPartPrefix + ensemble.MemberCount))
            throw new InvalidDataException($"checkpoint '{checkpoint.Path}' holds more than {ensemble.MemberCount} reward model members: it was saved with another ensemble size");
        // First, so that a run built with or without REED unlike the checkpoint is told so, not that member layers differ.
        LoadDynamics(checkpoint);
        for (int m = 0; m < ensemble.MemberCount; m++)
        {
            checkpoint.LoadModule(MemberPartPrefix + m, ensemble.Members[m]);
            checkpoint.LoadOptimizer(OptimizerPartPrefix + m, ensemble.Optimizers[m]);
        }
        checkpoint.ReadBinary(HistoryPart, History.Load);
        checkpoint.ReadBinary(StatePart, reader => ReadState(reader, checkpoint.Path));
        // The file may hold a model trained after this checkpoint (on pairs now set aside): make it this one.
        if (HasTrainedModel && ModelPath is not null) Model.Save(ModelPath);
    }

    void WriteState(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StateVersion);
        WriteSchedule(writer, _schedule.Options);
        writer.Write(_schedule.RoundsTaken);
        writer.Write(HasTrainedModel);
        writer.WriteRandom(_rng);
        // Only a scripted teacher has state of its own; any other keeps its pending questions in the label store.
        if (_teacher is ScriptedTeacher scripted) scripted.SaveState(writer);
        _oracle.SaveState(writer);
        Model.Ensemble.SaveSamplingState(writer);
        writer.Write(Model.Normalizer.Mean);
        writer.Write(Model.Normalizer.Std);
        writer.Write(Model.Normalizer.FittedCount);
        Model.Scales.Write(writer);
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
        int version = reader.ReadInt32();
        if (version != StateVersion && version != FirstStateVersion)
            throw new InvalidDataException($"preference learner state version = {version}: expected {FirstStateVersion} or {StateVersion}");
        var options = ReadSchedule(reader);
        int rounds = reader.ReadInt32();
        QuerySchedule schedule;
        try
        {
            schedule = QuerySchedule.Resume(options, rounds);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"the saved query schedule is corrupt: {e.Message}", e);
        }
        bool trained = reader.ReadFlag("trained flag");
        var rng = reader.ReadRandom("preference learner random state");
        if (_teacher is ScriptedTeacher scripted) scripted.LoadState(reader);
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
        var scales = version >= 2 ? MemberScales.Read(reader, Model.MemberCount) : MemberScales.Identity(Model.MemberCount);
        Model.Core.SetScales(scales);
        long lastPairId = reader.ReadInt64();
        int ranges = reader.ReadInt32();
        if (lastPairId < 0 || ranges < 0 || ranges > 1_000_000)
            throw new InvalidDataException($"the saved label positions are corrupt: last pair {lastPairId}, {ranges} ranges set aside");
        var setAside = new List<(long, long)>(ranges);
        for (int i = 0; i < ranges; i++)
        {
            long after = reader.ReadInt64(), through = reader.ReadInt64();
            if (after < 0 || through <= after || through > lastPairId)
                throw new InvalidDataException($"set-aside pairs ({after}, {through}] are corrupt: expected 0 <= after < through <= {lastPairId}, the newest pair at the save");
            setAside.Add((after, through));
        }

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
        // Answers already in the store were trained on before the save, or belong to pairs now set aside.
        _seenLabelId = _store.GetLastLabelId();
    }

    static void WriteSchedule(BinaryWriter writer, QueryScheduleOptions options)
    {
        writer.Write(options.TotalBudget);
        writer.Write(options.FirstRoundStep);
        writer.Write(options.FirstRoundSize ?? 0);
        writer.Write(options.BatchSize);
        writer.Write(options.Interval);
        writer.Write((int)options.Selection);
    }

    static QueryScheduleOptions ReadSchedule(BinaryReader reader)
    {
        int budget = reader.ReadInt32();
        long first = reader.ReadInt64();
        int firstSize = reader.ReadInt32();
        return new QueryScheduleOptions
        {
            TotalBudget = budget,
            FirstRoundStep = first,
            FirstRoundSize = firstSize == 0 ? null : firstSize,
            BatchSize = reader.ReadInt32(),
            Interval = reader.ReadInt64(),
            Selection = (QuerySelection)reader.ReadInt32(),
        };
    }

    // Every stored label except those of pairs set aside by a resume.
    IReadOnlyList<LabeledPair<Segment>> TrainableLabels()
    {
        var labels = _store.GetLabeledPairs();
        if (_setAside.Count == 0) return labels;
        return labels.Where(l => !_setAside.Any(r => l.Pair.Id > r.After && l.Pair.Id <= r.Through)).ToList();
    }
}
