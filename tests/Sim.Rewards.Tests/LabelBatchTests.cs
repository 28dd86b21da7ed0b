using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Tests;

/// <summary>Answers recorded as one batch (the labeling site's group commit): each is checked on its own, a refused one
/// writes nothing, and the rest are stored with growing ids.</summary>
public sealed class LabelBatchTests
{
    [Fact]
    public void A_batch_stores_the_good_answers_and_reports_each_refused_one()
    {
        using var scratch = new ScratchDirectory();
        using var store = LabelStore<TokenSequence>.Open(scratch.File("labels.db"), new TokenCodec());
        var pairs = store.AddPairs([new ItemPair<TokenSequence>(new TokenSequence([7]), new TokenSequence([1])),
            new ItemPair<TokenSequence>(new TokenSequence([2]), new TokenSequence([7, 7]))], new PairProvenance(0, "uniform"));
        long earlier = store.RecordLabel(pairs[0].Id, PreferenceLabel.Left, "human:a");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        var results = store.RecordLabels([
            new LabelAnswer(pairs[1].Id, PreferenceLabel.Right, "human:a", at),
            new LabelAnswer(pairs[0].Id, PreferenceLabel.Right, "human:a", at), // answered before
            new LabelAnswer(999, PreferenceLabel.Left, "human:b", at),           // no such pair
            new LabelAnswer(pairs[1].Id, PreferenceLabel.Left, "human:a", at),   // a double submit inside the batch
            new LabelAnswer(pairs[0].Id, PreferenceLabel.Equal, "human:b", at),
        ]);

        Assert.Equal(earlier + 1, results[0].LabelId);
        Assert.Equal(LabelRejection.DuplicateLabel, results[1].Rejection!.Reason);
        Assert.Equal(LabelRejection.UnknownPair, results[2].Rejection!.Reason);
        Assert.Equal(LabelRejection.DuplicateLabel, results[3].Rejection!.Reason);
        Assert.Equal(earlier + 2, results[4].LabelId);
        var stored = store.GetLabeledPairs().Select(l => (l.Pair.Id, l.Label, l.LabelerId)).ToList();
        Assert.Equal([(pairs[0].Id, PreferenceLabel.Left, "human:a"), (pairs[1].Id, PreferenceLabel.Right, "human:a"), (pairs[0].Id, PreferenceLabel.Equal, "human:b")], stored);
    }

    [Fact]
    public void A_batch_with_an_undefined_label_writes_nothing()
    {
        using var scratch = new ScratchDirectory();
        using var store = LabelStore<TokenSequence>.Open(scratch.File("labels.db"), new TokenCodec());
        var pair = store.AddPairs([new ItemPair<TokenSequence>(new TokenSequence([7]), new TokenSequence([1]))], new PairProvenance(0, "uniform"))[0];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => store.RecordLabels([
            new LabelAnswer(pair.Id, PreferenceLabel.Left, "human:a", DateTimeOffset.UnixEpoch),
            new LabelAnswer(pair.Id, (PreferenceLabel)9, "human:b", DateTimeOffset.UnixEpoch)]));
        Assert.Contains($"label 9 for pair {pair.Id}", e.Message);
        Assert.Empty(store.GetLabeledPairs(includeSkipped: true));
    }
}
