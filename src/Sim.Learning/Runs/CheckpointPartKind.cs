namespace Sim.Learning.Runs;

/// <summary>What a checkpoint part holds, so that loading it into the wrong kind of object is caught by name.</summary>
public enum CheckpointPartKind
{
    /// <summary>A torch module's parameters and buffers, in TorchSharp's state-dict format.</summary>
    Module,

    /// <summary>A TorchSharp optimizer's state (e.g. Adam's step counts and moment estimates) and its options.</summary>
    Optimizer,

    /// <summary>Bytes written by the caller: normalisation statistics, RNG states, counters, a replay buffer.</summary>
    Bytes,
}
