using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>The bytes of an mjData that make up its exact state between env steps, written and read for env state snapshots.</summary>
/// <remarks>
/// Restoring qpos, qvel, act, the controls and the warm start and then calling mj_forward would not reproduce the data:
/// mj_step leaves xpos, xipos, cfrc_ext and the other computed arrays at the state its last substep (or Runge-Kutta
/// stage) started from, and tasks read them before the next step (Ant's and Humanoid's forward progress). So the
/// snapshot is mjData's main buffer, every array sized by the model (inputs and computed ones alike), except the contact
/// and constraint rows: those are sized by nconmax and njmax (efc_AR alone is njmax² doubles) and the next step rebuilds
/// them from the state before reading them. A restored data reports no contacts or constraints until its next step, and
/// its warning counters are zero, as they are in every running episode (a diverged env is reset before it steps again).
/// The byte ranges follow the array order of MuJoCo 2.2.2's mjxmacro.h, which the constructor checks: qpos first; contact
/// and the efc_ block before ten_velocity; efc_vel and efc_aref before subtree_linvel; efc_b, efc_force and efc_state
/// before qfrc_constraint.
/// </remarks>
internal sealed unsafe class MjDataSnapshot
{
    readonly (int Start, int Length)[] _ranges;
    readonly int _bufferBytes;

    /// <summary>Finds the byte ranges to save from the array layout of <paramref name="data"/> (the same for every data of its model).</summary>
    public MjDataSnapshot(MjData data)
    {
        _bufferBytes = data.nbuffer;
        byte* start = Start(data);
        int Offset(byte* pointer) => checked((int)(pointer - start));
        int contact = Offset((byte*)data.contact);
        int tenVelocity = Offset(Address(data.ten_velocity));
        int efcVel = Offset(Address(data.efc_vel));
        int subtreeLinvel = Offset(Address(data.subtree_linvel));
        int efcB = Offset(Address(data.efc_b));
        int qfrcConstraint = Offset(Address(data.qfrc_constraint));
        int efcType = Offset(Address(data.efc_type));
        int[] bounds = [0, contact, efcType, tenVelocity, efcVel, subtreeLinvel, efcB, qfrcConstraint, _bufferBytes];
        for (int i = 1; i < bounds.Length; i++)
        {
            if (bounds[i] < bounds[i - 1])
                throw new NotSupportedException(
                    $"mjData arrays are not in the order of MuJoCo 2.2.2 (boundary {i} at byte {bounds[i]} precedes byte {bounds[i - 1]}): " +
                    "the snapshot layout must be updated for this MuJoCo version");
        }
        GC.KeepAlive(data);
        _ranges = [(0, contact), (tenVelocity, efcVel - tenVelocity), (subtreeLinvel, efcB - subtreeLinvel), (qfrcConstraint, _bufferBytes - qfrcConstraint)];
        foreach (var (_, length) in _ranges) Bytes += length;
    }

    /// <summary>Bytes of buffer saved per data (besides the time).</summary>
    public int Bytes { get; }

    /// <summary>Writes the state of <paramref name="data"/>.</summary>
    public void Write(MjData data, BinaryWriter writer)
    {
        CheckBuffer(data);
        writer.Write(data.time);
        byte* start = Start(data);
        foreach (var (offset, length) in _ranges) writer.Write(new ReadOnlySpan<byte>(start + offset, length));
        GC.KeepAlive(data);
    }

    /// <summary>Replaces the state of <paramref name="data"/> with one written by <see cref="Write"/> for the same model.</summary>
    public void Read(MjData data, BinaryReader reader, string what)
    {
        CheckBuffer(data);
        double time = reader.ReadDouble();
        // Clears what the snapshot leaves out (warnings, contact and constraint counts, solver statistics).
        data.Reset();
        byte* start = Start(data);
        foreach (var (offset, length) in _ranges)
        {
            var destination = new Span<byte>(start + offset, length);
            while (destination.Length > 0)
            {
                int read = reader.Read(destination);
                if (read == 0) throw new EndOfStreamException($"the state ends inside {what}");
                destination = destination[read..];
            }
        }
        data.time = time;
        data.ncon = 0;
        data.ne = 0;
        data.nf = 0;
        data.nefc = 0;
        GC.KeepAlive(data);
    }

    void CheckBuffer(MjData data)
    {
        if (data.nbuffer != _bufferBytes)
            throw new ArgumentException($"data has a buffer of {data.nbuffer} bytes, expected {_bufferBytes}: it belongs to another model", nameof(data));
    }

    // qpos is the first array of the buffer (mj_makeData lays them out in mjxmacro.h order from its start).
    static byte* Start(MjData data) => Address(data.qpos);

    static byte* Address<T>(Span<T> span) where T : unmanaged => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
}
