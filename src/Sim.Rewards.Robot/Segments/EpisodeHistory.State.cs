using Sim.Core;

namespace Sim.Rewards.Robot;

// Saving and restoring the recorded episodes, so that a resumed preference run draws its queries from the same
// history as the run that stopped. Only the rows in use are written: finished episodes oldest first, then each
// sub-env's episode in progress.
public sealed partial class EpisodeHistory
{
    // Version 2 adds each step's caption code; version 1 states (written before captions existed) still load, with none.
    const int StateVersion = 2;

    /// <summary>Writes every kept episode, each sub-env's episode in progress and the return statistics, so that
    /// <see cref="Load"/> on a history with the same options continues exactly where this one is.</summary>
    /// <exception cref="InvalidOperationException">Between <see cref="BeginStep"/> and <see cref="EndStep"/>.</exception>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_stepOpen) throw new InvalidOperationException("cannot save the history between BeginStep and EndStep: finish the step first");
        writer.Write(StateVersion);
        writer.Write(_options.NumEnvs);
        writer.Write(_obs);
        writer.Write(_act);
        writer.Write(_phys);
        writer.Write(_capacity);
        writer.Write(_finished.Length);
        writer.Write(_nextEpisode);
        writer.Write(FinishedEpisodeCount);
        writer.Write(_finishedCount);
        for (int i = 0; i < _finishedCount; i++) WriteSlot(writer, Finished(i));
        for (int env = 0; env < _options.NumEnvs; env++) WriteSlot(writer, _current[env]);
        writer.WriteArray<double>(_episodeReturn);
        writer.WriteArray<int>(_episodeLength);
        writer.Write(_recentCount);
        for (int k = 0; k < _recentCount; k++)
        {
            int index = (_recentStart + k) % _recentReturns.Length;
            writer.Write(_recentReturns[index]);
            writer.Write(_recentLengths[index]);
        }
        var vocabulary = _captions?.Vocabulary ?? [];
        writer.Write(vocabulary.Count);
        foreach (string caption in vocabulary) writer.Write(caption);
    }

    /// <summary>Replaces everything recorded with what <see cref="Save"/> wrote from a history with the same options.</summary>
    /// <exception cref="InvalidDataException">When the state was written with other sizes, or is corrupt or cut short.
    /// Whatever fails, the history is left empty and usable.</exception>
    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (_stepOpen) throw new InvalidOperationException("cannot load the history between BeginStep and EndStep: finish the step first");
        var slots = AllSlots();
        try
        {
            ReadState(reader, new Stack<Slot>(slots));
        }
        catch (EndOfStreamException e)
        {
            Reset(slots);
            throw new InvalidDataException($"episode history state ends early: {e.Message}", e);
        }
        catch
        {
            Reset(slots);
            throw;
        }
    }

    void ReadState(BinaryReader reader, Stack<Slot> pool)
    {
        int version = reader.ReadInt32();
        if (version is not (1 or StateVersion))
            throw new InvalidDataException($"episode history state version is {version}: expected 1 or {StateVersion}");
        reader.ExpectInt32(_options.NumEnvs, "episode history sub-env count");
        reader.ExpectInt32(_obs, "episode history observation size");
        reader.ExpectInt32(_act, "episode history action size");
        reader.ExpectInt32(_phys, "episode history physics state size");
        reader.ExpectInt32(_capacity, "episode history steps per episode slot");
        reader.ExpectInt32(_finished.Length, "episode history episodes kept");
        long nextEpisode = reader.ReadInt64();
        long finishedEpisodes = reader.ReadInt64();
        int finishedCount = reader.ReadInt32();
        if (nextEpisode < _options.NumEnvs || finishedEpisodes < 0 || (uint)finishedCount > (uint)_finished.Length)
            throw new InvalidDataException(
                $"episode history state is corrupt: next episode {nextEpisode}, {finishedEpisodes} finished, {finishedCount} kept; expected at most {_finished.Length} kept");
        Array.Clear(_finished);
        _finishedStart = 0;
        for (int i = 0; i < finishedCount; i++) _finished[i] = ReadSlot(reader, pool.Pop(), $"kept episode {i}", version);
        _finishedCount = finishedCount;
        for (int env = 0; env < _options.NumEnvs; env++) _current[env] = ReadSlot(reader, pool.Pop(), $"episode in progress in env {env}", version);
        reader.ReadArray<double>(_episodeReturn, "episode history running returns");
        reader.ReadArray<int>(_episodeLength, "episode history running lengths");
        int recentCount = reader.ReadInt32();
        if ((uint)recentCount > (uint)_recentReturns.Length)
            throw new InvalidDataException($"episode history state holds {recentCount} recent returns: expected at most {_recentReturns.Length}");
        for (int k = 0; k < recentCount; k++)
        {
            _recentReturns[k] = reader.ReadDouble();
            _recentLengths[k] = reader.ReadInt32();
        }
        _recentStart = 0;
        _recentCount = recentCount;
        if (version >= 2)
        {
            int captions = reader.ReadInt32();
            if (captions < 0 || captions > 10_000) throw new InvalidDataException($"episode history state lists {captions} captions: expected 0 to 10000");
            var vocabulary = new string[captions];
            for (int k = 0; k < captions; k++) vocabulary[k] = reader.ReadString();
            _captions = captions == 0 ? null : new StepCaptions(_options.NumEnvs, vocabulary);
        }
        _nextEpisode = nextEpisode;
        FinishedEpisodeCount = finishedEpisodes;
        _free.Clear();
        while (pool.Count > 0) _free.Push(pool.Pop());
    }

    void WriteSlot(BinaryWriter writer, Slot slot)
    {
        writer.Write(slot.Episode);
        writer.Write(slot.FirstStep);
        writer.Write(slot.HasPhysics);
        writer.Write(slot.Steps);
        writer.WriteArray<float>(slot.Observations.AsSpan(0, slot.Steps * _obs));
        writer.WriteArray<float>(slot.Actions.AsSpan(0, slot.Steps * _act));
        writer.WriteArray<float>(slot.Rewards.AsSpan(0, slot.Steps));
        writer.WriteArray<double>(slot.PhysicsStates.AsSpan(0, slot.Steps * _phys));
        writer.WriteArray<int>(slot.CaptionCodes.AsSpan(0, slot.Steps));
    }

    Slot ReadSlot(BinaryReader reader, Slot slot, string what, int version)
    {
        slot.Episode = reader.ReadInt64();
        slot.FirstStep = reader.ReadInt32();
        slot.HasPhysics = reader.ReadFlag($"{what} physics flag");
        slot.Steps = reader.ReadInt32();
        if (slot.Episode < 0 || slot.FirstStep < 0 || (uint)slot.Steps > (uint)_capacity)
            throw new InvalidDataException(
                $"episode history {what} is corrupt: episode {slot.Episode}, first step {slot.FirstStep}, {slot.Steps} steps; expected ids >= 0 and at most {_capacity} steps");
        reader.ReadArray<float>(slot.Observations.AsSpan(0, slot.Steps * _obs), $"{what} observations");
        reader.ReadArray<float>(slot.Actions.AsSpan(0, slot.Steps * _act), $"{what} actions");
        reader.ReadArray<float>(slot.Rewards.AsSpan(0, slot.Steps), $"{what} rewards");
        reader.ReadArray<double>(slot.PhysicsStates.AsSpan(0, slot.Steps * _phys), $"{what} physics states");
        if (version >= 2) reader.ReadArray<int>(slot.CaptionCodes.AsSpan(0, slot.Steps), $"{what} caption codes");
        else Array.Clear(slot.CaptionCodes, 0, slot.Steps);
        return slot;
    }

    // Every slot the history owns, each once: N kept-episode slots plus one in progress per sub-env.
    Slot[] AllSlots()
    {
        var seen = new HashSet<Slot>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _finishedCount; i++) seen.Add(Finished(i));
        foreach (var slot in _current) seen.Add(slot);
        foreach (var slot in _free) seen.Add(slot);
        if (seen.Count != _finished.Length + _options.NumEnvs)
            throw new InvalidOperationException($"the history owns {seen.Count} episode slots: expected {_finished.Length + _options.NumEnvs}");
        return seen.ToArray();
    }

    // The history as built: nothing kept, an empty episode in progress per sub-env, the other slots free.
    void Reset(Slot[] slots)
    {
        Array.Clear(_finished);
        _finishedStart = _finishedCount = 0;
        _recentStart = _recentCount = 0;
        Array.Clear(_episodeReturn);
        Array.Clear(_episodeLength);
        FinishedEpisodeCount = 0;
        _nextEpisode = 0;
        _free.Clear();
        for (int i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            slot.Steps = 0;
            slot.FirstStep = 0;
            slot.HasPhysics = false;
            if (i < _options.NumEnvs)
            {
                slot.Episode = _nextEpisode++;
                _current[i] = slot;
            }
            else _free.Push(slot);
        }
    }
}
