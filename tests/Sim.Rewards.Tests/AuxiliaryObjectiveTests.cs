using Sim.Foundation;
using Sim.Rewards.Ensembles;
using Sim.Rewards.Models;
using Sim.Rewards.Normalization;
using Sim.Rewards.Objectives;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks the seam for auxiliary self-supervised terms: a term that reads the encoder's trunk is trained with
/// the main objective, by the same members and optimizers, and learns its own target.</summary>
public sealed class AuxiliaryObjectiveTests
{
    /// <summary>A small self-supervised term: from the pooled trunk, the encoder's auxiliary head must predict the share of
    /// token 3 in the sequence (squared error).</summary>
    sealed class ShareOfThrees(ItemTargetDataset data, double weight) : IAuxiliaryObjective
    {
        public string Name => "share of threes";

        public double Weight => weight;

        public Tensor Loss(RewardEncoder member, int memberIndex, int batchSize, ref SimRandom random)
        {
            var indices = new long[batchSize];
            for (int i = 0; i < batchSize; i++) indices[i] = random.NextInt(data.Count);
            using var index = tensor(indices);
            using var items = new DisposableBatch(data.Items.Select(index));
            using var targets = data.Targets.index_select(0, index);
            using var predicted = ((TokenEncoder)member).Auxiliary(items.Batch.Inputs, items.Batch.Mask);
            return nn.functional.mse_loss(predicted, targets);
        }
    }

    sealed class DisposableBatch(ItemBatch batch) : IDisposable
    {
        public ItemBatch Batch => batch;

        public void Dispose()
        {
            batch.Inputs.Dispose();
            batch.Mask.Dispose();
        }
    }

    static float ShareOfThree(TokenSequence s) => (float)s.ShareOf(3);

    // Squared error of each member's auxiliary head on the test items, averaged over members.
    static double AuxiliaryError(RewardEnsemble ensemble, ItemTargetDataset test)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double total = 0;
        foreach (var member in ensemble.Members)
        {
            var predicted = ((TokenEncoder)member).Auxiliary(test.Items.Inputs, test.Items.Mask);
            total += nn.functional.mse_loss(predicted, test.Targets).item<float>();
        }
        return total / ensemble.MemberCount;
    }

    [Fact]
    public void An_auxiliary_term_on_the_shared_trunk_is_trained_with_the_reward_objective()
    {
        var pool = new TokenPool();
        var random = new SimRandom(SeedDerivation.Derive(8, "auxiliary"));
        var pairs = new UniformQuerySampler<TokenSequence>().Select(pool, 150, ref random);
        var teacher = new MoreSevensTeacher();
        var labels = pairs.Select((p, i) => new LabeledPair<TokenSequence>(new PreferencePair<TokenSequence>(i + 1, p.Left, p.Right),
            teacher.Answer(p.Left, p.Right), teacher.LabelerId, DateTimeOffset.UnixEpoch)).ToList();
        var unlabelled = pool.Sample(200, ref random);
        var test = pool.Sample(200, ref random);

        using var model = new RewardModel<TokenSequence>(
            new EnsembleConfig { Members = 2, LearningRate = 0.02, BatchSize = 32, MaxEpochs = 25, StopAtAccuracy = null, Seed = 21 },
            Aggregation.Mean, RewardNormalization.None, new TokenCollator(), generator => new TokenEncoder(TokenPool.Vocabulary, 8, false, generator));
        using var data = PreferenceDataset.FromLabels(model.Collator, labels, CPU);
        using var auxiliaryData = ItemTargetDataset.Create(model.Collator, unlabelled, unlabelled.Select(ShareOfThree).ToList(), CPU);
        using var testData = ItemTargetDataset.Create(model.Collator, test, test.Select(ShareOfThree).ToList(), CPU);
        double before = AuxiliaryError(model.Ensemble, testData);

        var report = model.Ensemble.Train(new PairwisePreferenceObjective(data), auxiliary: [new ShareOfThrees(auxiliaryData, 1)]);

        // The preference loss gives the auxiliary head no gradient, so only the term, trained through the members'
        // optimizers, can have taught it the share of threes.
        double after = AuxiliaryError(model.Ensemble, testData);
        Assert.True(after < 0.25 * before, $"auxiliary squared error {after} after training, {before} before");
        Assert.True(after < 0.01, $"auxiliary squared error {after}: the head did not learn the share of threes");
        // The reward objective still learns the preferences alongside it.
        Assert.True(report.Accuracy >= 0.9, $"training accuracy {report.Accuracy} with the auxiliary term");
    }

    [Fact]
    public void A_negative_or_infinite_weight_is_refused_by_name()
    {
        using var model = new RewardModel<TokenSequence>(new EnsembleConfig { Members = 1 }, Aggregation.Mean, RewardNormalization.None,
            new TokenCollator(), generator => new TokenEncoder(TokenPool.Vocabulary, 4, false, generator));
        var items = new List<TokenSequence> { new([7]), new([1]) };
        using var data = ItemTargetDataset.Create(model.Collator, items, [1f, 0f], CPU);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            model.Ensemble.Train(new PointwiseClassificationObjective(data), auxiliary: [new ShareOfThrees(data, -1)]));
        Assert.Contains("auxiliary term 'share of threes' has weight -1", ex.Message);
    }
}
