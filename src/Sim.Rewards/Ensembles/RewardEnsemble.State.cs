using Sim.Core;
using Sim.Foundation;
using TorchSharp.Modules;

namespace Sim.Rewards.Ensembles;

// What a resumed training run needs beyond the members' weights: the optimizers (saved by the caller as it saves
// other optimizers), the random streams that draw bootstrap samples, shuffles and validation splits, and the L2
// coefficients adaptive regularisation has reached.
public sealed partial class RewardEnsemble
{
    private const int SamplingStateVersion = 1;

    /// <summary>Each member's Adam optimizer, in member order, for saving and restoring with the weights.</summary>
    public IReadOnlyList<OptimizerHelper> Optimizers => _optimizers;

    /// <summary>Writes the random streams and L2 coefficients, which with the weights and <see cref="Optimizers"/> make
    /// the next <see cref="Train"/> after <see cref="LoadSamplingState"/> identical to the one this ensemble would run.</summary>
    public void SaveSamplingState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.Write(SamplingStateVersion);
        writer.Write(MemberCount);
        writer.WriteRandom(_splitRandom);
        foreach (var random in _memberRandoms) writer.WriteRandom(random);
        writer.WriteArray<double>(_l2);
    }

    /// <summary>Restores what <see cref="SaveSamplingState"/> wrote, from an ensemble with as many members.</summary>
    /// <exception cref="InvalidDataException">When the state is of another version or member count, or corrupt.</exception>
    public void LoadSamplingState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ObjectDisposedException.ThrowIf(_disposed, this);
        reader.ExpectInt32(SamplingStateVersion, "reward ensemble sampling state version");
        reader.ExpectInt32(MemberCount, "reward ensemble member count");
        var split = reader.ReadRandom("reward ensemble split random state");
        var members = new SimRandom[MemberCount];
        for (int m = 0; m < MemberCount; m++) members[m] = reader.ReadRandom($"reward ensemble member {m} random state");
        var l2 = new double[MemberCount];
        reader.ReadArray<double>(l2, "reward ensemble L2 coefficients");
        try
        {
            SetL2Coefficients(l2);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"reward ensemble L2 coefficients are corrupt: {e.Message}", e);
        }
        _splitRandom = split;
        members.CopyTo(_memberRandoms, 0);
    }
}
