using System.Threading.Channels;
using Sim.Rewards.Labels;
using Sim.Rewards.Robot;

namespace Sim.Labeling;

/// <summary>Group commit of the site's answers: answers that arrive while one commit is being written wait, and the next
/// commit writes them all in one transaction through <see cref="LabelStore{TItem}.RecordLabels"/>, so that one fsync
/// acknowledges many labels.</summary>
/// <remarks>
/// <para>The label store keeps <c>synchronous=FULL</c>, so an acknowledged answer survives a power cut as well as a killed
/// process. An fsync costs a few milliseconds on the project's disks and more when they are busy; one per answer, taken in
/// turn, capped the site at a few hundred answers a second with every answer waiting behind all the others. Batched, an
/// answer waits for at most the commit in progress and its own.</para>
/// <para>One thread writes, holding the site's write gate while it commits, so that the lease writes of the other
/// connection never find the file locked (SQLite would make them sleep and retry).</para>
/// </remarks>
sealed class LabelCommitQueue : IDisposable
{
    /// <summary>Most answers written in one transaction.</summary>
    const int MaxBatch = 512;

    readonly LabelStore<Segment> _store;
    readonly object _writeGate;
    readonly Action<IReadOnlyList<AnsweredLease>> _markAnswered;
    readonly Channel<(LabelAnswer Answer, long LeaseId, TaskCompletionSource<LabelRecordResult> Done)> _pending =
        Channel.CreateUnbounded<(LabelAnswer, long, TaskCompletionSource<LabelRecordResult>)>(new UnboundedChannelOptions { SingleReader = true });
    readonly Thread _writer;

    /// <summary>Starts the writer thread over <paramref name="store"/>; it commits while holding <paramref name="writeGate"/>,
    /// and, still holding it, hands the leases whose answers were stored to <paramref name="markAnswered"/>.</summary>
    public LabelCommitQueue(LabelStore<Segment> store, object writeGate, Action<IReadOnlyList<AnsweredLease>> markAnswered)
    {
        _store = store;
        _writeGate = writeGate;
        _markAnswered = markAnswered;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "label commits" };
        _writer.Start();
    }

    /// <summary>Queues <paramref name="answer"/>, given on lease <paramref name="leaseId"/>; the task ends once it is committed
    /// (or refused by the store) and its lease is marked answered.</summary>
    public Task<LabelRecordResult> RecordAsync(LabelAnswer answer, long leaseId)
    {
        answer.Validate();
        // Continuations run on the pool, never on the writer thread, which goes straight back to committing.
        var done = new TaskCompletionSource<LabelRecordResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite((answer, leaseId, done)))
            done.SetException(new ObjectDisposedException(nameof(LabelCommitQueue), "the labeling site is shutting down: the answer was not stored"));
        return done.Task;
    }

    void WriteLoop()
    {
        var batch = new List<(LabelAnswer Answer, long LeaseId, TaskCompletionSource<LabelRecordResult> Done)>(MaxBatch);
        var answers = new List<LabelAnswer>(MaxBatch);
        var answered = new List<AnsweredLease>(MaxBatch);
        var reader = _pending.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            answers.Clear();
            answered.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
                answers.Add(next.Answer);
            }
            IReadOnlyList<LabelRecordResult> results;
            lock (_writeGate)
            {
                try
                {
                    results = _store.RecordLabels(answers);
                }
                catch (Exception e)
                {
                    // Nothing of the batch was committed (one transaction): every waiting request reports the failure.
                    foreach (var (_, _, done) in batch) done.TrySetException(e);
                    continue;
                }
                for (int i = 0; i < batch.Count; i++)
                    if (results[i].LabelId is long labelId)
                        answered.Add(new AnsweredLease(batch[i].LeaseId, batch[i].Answer.Label, labelId, batch[i].Answer.LabeledAt));
                // In the same hold of the gate, so a request never waits for a second commit to learn its lease is done.
                // A lease left unmarked by a failure here is still never shown again (a pair its holder answered is
                // skipped by the label itself); only that showing's time per label is missing from /stats.
                try
                {
                    if (answered.Count > 0) _markAnswered(answered);
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // Acknowledged anyway: the answers themselves are committed above.
                }
            }
            for (int i = 0; i < batch.Count; i++) batch[i].Done.SetResult(results[i]);
        }
    }

    /// <summary>Commits what is queued, then stops the writer.</summary>
    public void Dispose()
    {
        _pending.Writer.TryComplete();
        _writer.Join();
    }
}
