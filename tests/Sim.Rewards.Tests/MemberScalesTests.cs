using Sim.Rewards.Ensembles;
using Sim.Rewards.Normalization;
using static TorchSharp.torch;

namespace Sim.Rewards.Tests;

/// <summary>Checks the members' scales and the standardised worst case and mean − λ·var against values worked by hand.</summary>
public sealed class MemberScalesTests
{
    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    [Fact]
    public void Members_that_differ_by_a_constant_give_a_worst_case_equal_to_the_mean_and_no_variance_penalty()
    {
        using var scope = NewDisposeScope();
        // Member 2 is member 1 plus 5: what Bradley–Terry cannot tell apart.
        var perMember = tensor(new[] { 1f, 2f, 3f, 4f, 6f, 7f, 8f, 9f }, new long[] { 2, 4 });
        var scales = MemberScales.Fit(perMember);
        // Means 2.5 and 7.5; both standard deviations √((1.5² + 0.5² + 0.5² + 1.5²) / 4) = √1.25.
        Assert.Equal(2.5, scales.Means[0], 1e-12);
        Assert.Equal(7.5, scales.Means[1], 1e-12);
        Assert.Equal(Math.Sqrt(1.25), scales.Stds[0], 1e-12);
        Assert.Equal(Math.Sqrt(1.25), scales.Stds[1], 1e-12);

        var standardized = new[] { 1.0, 2, 3, 4 }.Select(x => (x - 2.5) / Math.Sqrt(1.25)).ToArray();
        var worst = Values(Aggregation.WorstCase.Apply(perMember, scales));
        var penalized = Values(Aggregation.UncertaintyPenalized(1).Apply(perMember, scales));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(standardized[i], worst[i], 1e-5);
            Assert.Equal(standardized[i], penalized[i], 1e-5);
        }
        // Raw, the minimum is member 1 throughout and the variance is the offset's, (5/2)² = 6.25: item 1's mean of 1
        // and 6 is 3.5, penalised to 3.5 − 6.25.
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, Values(Aggregation.WorstCase.Apply(perMember)));
        Assert.Equal(3.5 - 6.25, Values(Aggregation.UncertaintyPenalized(1).Apply(perMember))[0], 1e-5);
    }

    [Fact]
    public void Three_members_standardised_by_hand_give_the_worst_case_and_mean_minus_lambda_var()
    {
        using var scope = NewDisposeScope();
        // Means (0, 1, −2), standard deviations (1, 2, 0.5); items in columns.
        var scales = new MemberScales([0, 1, -2], [1, 2, 0.5]);
        var perMember = tensor(new[]
        {
            1f, 0f, 2f,       // member 1: z = (1, 0, 2)
            3f, 5f, -1f,      // member 2: z = ((3−1)/2, (5−1)/2, (−1−1)/2) = (1, 2, −1)
            -1.5f, -2f, -3f,  // member 3: z = ((−1.5+2)/0.5, 0, (−3+2)/0.5) = (1, 0, −2)
        }, new long[] { 3, 3 });

        // Worst case: min(1, 1, 1) = 1, min(0, 2, 0) = 0, min(2, −1, −2) = −2. Raw it would be (−1.5, −2, −3).
        Assert.Equal(new[] { 1f, 0f, -2f }, Values(Aggregation.WorstCase.Apply(perMember, scales)));

        // mean − 0.5·var, population variance of the z's:
        //   item 1: z = (1, 1, 1): mean 1, var 0 → 1;
        //   item 2: z = (0, 2, 0): mean 2/3, var ((2/3)² + (4/3)² + (2/3)²)/3 = 8/9 → 2/3 − 4/9 = 2/9;
        //   item 3: z = (2, −1, −2): mean −1/3, var ((7/3)² + (2/3)² + (5/3)²)/3 = 26/9 → −1/3 − 13/9 = −16/9.
        var penalized = Values(Aggregation.UncertaintyPenalized(0.5).Apply(perMember, scales));
        Assert.Equal(1, penalized[0], 1e-5);
        Assert.Equal(2.0 / 9, penalized[1], 1e-5);
        Assert.Equal(-16.0 / 9, penalized[2], 1e-5);

        // The mean and a single member are of the raw scores, bit for bit what they were without scales.
        Assert.Equal(Values(Aggregation.Mean.Apply(perMember)), Values(Aggregation.Mean.Apply(perMember, scales)));
        Assert.Equal(new[] { 3f, 5f, -1f }, Values(Aggregation.OfMember(1).Apply(perMember, scales)));
        // Identity scales change nothing.
        Assert.Equal(Values(Aggregation.WorstCase.Apply(perMember)), Values(Aggregation.WorstCase.Apply(perMember, MemberScales.Identity(3))));
    }

    [Fact]
    public void Per_position_outputs_are_standardised_member_by_member_over_every_position()
    {
        using var scope = NewDisposeScope();
        // [K = 2, items = 1, positions = 2]: member 1 (0, 4), member 2 (10, 30).
        var perMember = tensor(new[] { 0f, 4f, 10f, 30f }, new long[] { 2, 1, 2 });
        var scales = new MemberScales([2, 20], [2, 10]);
        // z: member 1 (−1, 1), member 2 (−1, 1): the worst case is (−1, 1).
        Assert.Equal(new[] { -1f, 1f }, Values(Aggregation.WorstCase.Apply(perMember, scales)));
    }

    [Fact]
    public void A_member_constant_on_its_training_items_gets_the_smallest_standard_deviation_not_zero()
    {
        using var scope = NewDisposeScope();
        var scales = MemberScales.Fit(tensor(new[] { 3f, 3f, 3f, 1f, 2f, 3f }, new long[] { 2, 3 }));
        Assert.Equal(3, scales.Means[0], 1e-12);
        Assert.Equal(RewardNormalizer.MinimumStd, scales.Stds[0]);
        Assert.Equal(Math.Sqrt(2.0 / 3), scales.Stds[1], 1e-12);
    }

    [Fact]
    public void Bad_scales_are_refused_naming_the_value_and_what_was_expected()
    {
        Assert.Contains("Means[1] = NaN: expected a finite mean", Assert.Throws<ArgumentException>(() => new MemberScales([0, double.NaN], [1, 1])).Message);
        Assert.Contains("Stds[0] = 0: expected a finite standard deviation > 0", Assert.Throws<ArgumentException>(() => new MemberScales([0, 0], [0, 1])).Message);
        Assert.Contains("Stds[1] = -1: expected a finite standard deviation > 0", Assert.Throws<ArgumentException>(() => new MemberScales([0, 0], [1, -1])).Message);
        Assert.Contains($"Stds[0] = {double.PositiveInfinity}", Assert.Throws<ArgumentException>(() => new MemberScales([0], [double.PositiveInfinity])).Message);
        Assert.Contains("2 Means and 3 Stds", Assert.Throws<ArgumentException>(() => new MemberScales([0, 0], [1, 1, 1])).Message);

        using var scope = NewDisposeScope();
        var perMember = zeros(3, 4);
        var error = Assert.Throws<ArgumentException>(() => Aggregation.WorstCase.Apply(perMember, MemberScales.Identity(2)));
        Assert.Contains("member scales hold 2 members: expected one per ensemble member (3)", error.Message);
    }

    [Fact]
    public void Scales_written_to_a_checkpoint_read_back_and_damaged_ones_are_refused()
    {
        var scales = new MemberScales([0.25, -3], [1.5, 0.125]);
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) scales.Write(writer);

        stream.Position = 0;
        var read = MemberScales.Read(new BinaryReader(stream), 2);
        Assert.Equal(scales.Means, read.Means);
        Assert.Equal(scales.Stds, read.Stds);

        stream.Position = 0;
        var count = Assert.Throws<InvalidDataException>(() => MemberScales.Read(new BinaryReader(stream), 3));
        Assert.Contains("member scale means: the state holds 2 values, expected 3", count.Message);

        // The second standard deviation is the last 8 bytes: make it −1.
        var bytes = stream.ToArray();
        BitConverter.GetBytes(-1.0).CopyTo(bytes, bytes.Length - 8);
        var corrupt = Assert.Throws<InvalidDataException>(() => MemberScales.Read(new BinaryReader(new MemoryStream(bytes)), 2));
        Assert.Contains("the saved member scales are corrupt", corrupt.Message);
        Assert.Contains("Stds[1] = -1", corrupt.Message);
    }
}
