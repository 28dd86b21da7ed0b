using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;

namespace Sim.Rewards.Tests;

/// <summary>Retracting a label (a person's undo): it leaves the labels trained on, is kept aside, and its id is never
/// given again, so a poll of the newest label id sees the answer that replaces it.</summary>
public sealed class LabelRetractionTests
{
    [Fact]
    public void A_retracted_label_is_kept_aside_and_the_next_label_gets_a_larger_id()
    {
        using var scratch = new ScratchDirectory();
        using var store = LabelStore<TokenSequence>.Open(scratch.File("labels.db"), new TokenCodec());
        var pairs = store.AddPairs([new ItemPair<TokenSequence>(new TokenSequence([7]), new TokenSequence([1])),
            new ItemPair<TokenSequence>(new TokenSequence([2]), new TokenSequence([7, 7]))], new PairProvenance(0, "uniform"));
        store.RecordLabel(pairs[0].Id, PreferenceLabel.Left, "human:a");
        long newest = store.RecordLabel(pairs[1].Id, PreferenceLabel.Equal, "human:a");

        Assert.Equal(PreferenceLabel.Equal, store.RetractLabel(pairs[1].Id, "human:a"));
        Assert.Null(store.RetractLabel(pairs[1].Id, "human:a"));
        Assert.Null(store.RetractLabel(pairs[0].Id, "human:b"));
        Assert.Equal(pairs[0].Id, Assert.Single(store.GetLabeledPairs(includeSkipped: true)).Pair.Id);
        Assert.Equal(pairs[1].Id, Assert.Single(store.GetUnlabeledPairs()).Id);
        // The retracted label was the newest: without the aside table SQLite would hand its id out again.
        Assert.Equal(newest, store.GetLastLabelId());

        long replacement = store.RecordLabel(pairs[1].Id, PreferenceLabel.Right, "human:a");
        Assert.Equal(newest + 1, replacement);
        Assert.Equal(replacement, store.GetLastLabelId());
        Assert.Equal(PreferenceLabel.Right, store.GetLabeledPairs(labelerId: "human:a").Single(l => l.Pair.Id == pairs[1].Id).Label);
    }
}
