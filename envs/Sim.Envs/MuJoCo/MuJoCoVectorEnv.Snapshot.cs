using Sim.Core;

namespace Sim.Envs.MuJoCo;

// Saving and restoring the physics of every env, for bit-exact training resume (see IStatefulEnv).
public abstract partial class MuJoCoVectorEnv
{
    MjDataSnapshot? _snapshot;

    MjDataSnapshot Snapshot => _snapshot ??= new MjDataSnapshot(Datas[0]);

    /// <summary>Writes the model's sizes (to catch a state of another model), each env's mjData and the final physics
    /// states a same-step autoreset keeps. Subclasses with per-env state that lives across steps override this and call it first.</summary>
    protected override void SaveEnvState(BinaryWriter writer)
    {
        WriteModelSizes(writer);
        foreach (var data in Datas) Snapshot.Write(data, writer);
        writer.WriteArray<double>(_finalStates);
    }

    /// <summary>Reads what <see cref="SaveEnvState"/> wrote.</summary>
    protected override void LoadEnvState(BinaryReader reader)
    {
        ReadModelSizes(reader);
        for (int env = 0; env < Datas.Length; env++) Snapshot.Read(Datas[env], reader, $"the physics state of env {env}");
        reader.ReadArray<double>(_finalStates, "final physics states");
    }

    void WriteModelSizes(BinaryWriter writer)
    {
        foreach (var (_, size) in ModelSizes()) writer.Write(size);
        writer.Write(Snapshot.Bytes);
    }

    void ReadModelSizes(BinaryReader reader)
    {
        foreach (var (name, size) in ModelSizes()) reader.ExpectInt32(size, $"model {name} of {GetType().Name}");
        reader.ExpectInt32(Snapshot.Bytes, $"physics snapshot bytes of {GetType().Name}");
    }

    (string Name, int Size)[] ModelSizes() =>
    [
        ("nq", Model.nq), ("nv", Model.nv), ("na", Model.na), ("nu", Model.nu), ("nbody", Model.nbody),
        ("nmocap", Model.nmocap), ("nuserdata", Model.nuserdata), ("njmax", Model.njmax), ("nconmax", Model.nconmax),
        ("frame skip", FrameSkip),
    ];
}
