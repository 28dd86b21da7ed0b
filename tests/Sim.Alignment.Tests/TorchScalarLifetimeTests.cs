using Sim.Learning.Tests;

namespace Sim.Alignment.Tests;

/// <summary>Checks that the alignment code never lets libtorch read a TorchSharp Scalar that the garbage collector may
/// already have finalized (see <c>Sim.Torch.TorchScalars</c>): the same IL scan the learning code passes.</summary>
public sealed class TorchScalarLifetimeTests
{
    [Fact]
    public void Alignment_code_hands_TorchSharp_no_Scalar_that_can_be_finalized_during_a_native_call()
    {
        var problems = new TemporaryScalarFinder().Find(typeof(Sim.Alignment.Model.CausalTransformer).Assembly);
        Assert.True(problems.Count == 0, $"temporary Scalars reach native code in Sim.Alignment:\n" + string.Join("\n", problems));
    }
}
