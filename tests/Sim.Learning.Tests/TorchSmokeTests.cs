using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Tests;

/// <summary>Checks that the native torch libraries load and that autograd gives hand-computed gradients.</summary>
public sealed class TorchSmokeTests
{
    [Fact]
    public void Matmul_and_backward_give_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        Tensor w = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 }, requires_grad: true);
        Tensor x = tensor(new float[] { 7, 8, 9 }, new long[] { 3 }, requires_grad: true);

        Tensor y = w.matmul(x).sum();
        y.backward();

        // W x = [1*7 + 2*8 + 3*9, 4*7 + 5*8 + 6*9] = [50, 122], so y = 172.
        Assert.Equal(172f, y.item<float>());
        // dy/dW[i, j] = x[j] for every row i.
        Assert.Equal(new float[] { 7, 8, 9, 7, 8, 9 }, w.grad!.data<float>().ToArray());
        // dy/dx[j] = sum over i of W[i, j] = [1 + 4, 2 + 5, 3 + 6].
        Assert.Equal(new float[] { 5, 7, 9 }, x.grad!.data<float>().ToArray());
    }
}
