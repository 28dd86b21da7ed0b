namespace Sim.Labeling;

/// <summary>What became of an answer sent to the site, and the HTTP status it maps to.</summary>
public enum SubmitStatus
{
    /// <summary>Stored now (200).</summary>
    Recorded,
    /// <summary>The same answer was stored before: a double submit, acknowledged again (200).</summary>
    AlreadyRecorded,
    /// <summary>No such lease (404).</summary>
    UnknownLease,
    /// <summary>The lease is another labeler's (403).</summary>
    NotYourLease,
    /// <summary>The lease is for another pair than the one named (400).</summary>
    WrongPair,
    /// <summary>A different answer was stored before, or the lease ran out and the pair went to someone else (409).</summary>
    Conflict,
}

/// <summary>The result of <see cref="LabelingDatabase.SubmitAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="LabelId">The stored label's id, for Recorded and AlreadyRecorded.</param>
/// <param name="Message">Why, for the other statuses.</param>
public sealed record SubmitOutcome(SubmitStatus Status, long? LabelId, string Message);
