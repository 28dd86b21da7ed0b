namespace Sim.Rewards.Labels;

/// <summary>Turns items of one kind (robot segments, token sequences) into the bytes a <see cref="LabelStore{TItem}"/>
/// keeps, and back.</summary>
public interface IItemCodec<TItem>
{
    /// <summary>A stable id of the item kind, stored with every item, e.g. <c>robot-segment</c>; never change it once
    /// stores exist, since a store refuses items of another kind.</summary>
    string Kind { get; }

    /// <summary>Why <paramref name="item"/> cannot be stored (e.g. its sizes disagree), or null when it can.</summary>
    string? FindInconsistency(TItem item);

    /// <summary>The item's bytes.</summary>
    byte[] Encode(TItem item);

    /// <summary>The item <see cref="Encode"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an item of this kind.</exception>
    TItem Decode(ReadOnlySpan<byte> payload);
}
