namespace Sim.Rewards.Labels;

/// <summary>A label the store refused (unknown pair or duplicate answer); nothing was written.</summary>
public sealed class LabelRejectedException : InvalidOperationException
{
    /// <summary>Reports that the label for pair <paramref name="pairId"/> from <paramref name="labelerId"/> was refused.</summary>
    public LabelRejectedException(LabelRejection reason, long pairId, string labelerId, string message)
        : base(message)
    {
        Reason = reason;
        PairId = pairId;
        LabelerId = labelerId;
    }

    /// <summary>Why the label was refused.</summary>
    public LabelRejection Reason { get; }

    /// <summary>The pair the label was for.</summary>
    public long PairId { get; }

    /// <summary>Who gave the label.</summary>
    public string LabelerId { get; }
}
