using System.Numerics;
using Sim.Foundation;
using Sim.Envs.ClassicControl;

namespace Sim.Envs.Tests.ClassicControl;

public class VectorTrigTests
{
    static (double Sin, double Cos) Lane0(double x, double others)
    {
        var lanes = new double[Vector<double>.Count];
        Array.Fill(lanes, others);
        lanes[0] = x;
        VectorTrig.SinCos(new Vector<double>(lanes), out var sin, out var cos);
        return (sin[0], cos[0]);
    }

    [Fact]
    public void AgreesWithMathSinAndCos()
    {
        var rng = new SimRandom(17);
        var xs = new List<double> { 0, -0.0, 1e-300, Math.PI / 4, -Math.PI / 4, Math.PI / 2, Math.PI, -Math.PI, 3 * Math.PI / 2, 2 * Math.PI, 100 };
        for (int i = 0; i < 20000; i++) xs.Add(rng.Uniform(-4 * Math.PI, 4 * Math.PI));
        for (int i = 0; i < 2000; i++) xs.Add(rng.Uniform(-1e4, 1e4));
        foreach (double x in xs)
        {
            var (sin, cos) = Lane0(x, 0);
            // A few ulps of 1; beyond 4π the reduction error grows with |x| (about 1e-16 per unit of |x|/π).
            double tolerance = 4.5e-16 + Math.Abs(x) * 2e-17;
            Assert.True(Math.Abs(sin - Math.Sin(x)) <= tolerance, $"sin({x:R}) = {sin:R}, Math.Sin gives {Math.Sin(x):R}");
            Assert.True(Math.Abs(cos - Math.Cos(x)) <= tolerance, $"cos({x:R}) = {cos:R}, Math.Cos gives {Math.Cos(x):R}");
        }
    }

    [Fact]
    public void ALaneDoesNotDependOnItsNeighbours()
    {
        // Vector.SinCos switches algorithm when any lane is large; this must not, or results would depend on
        // which envs share a vector, which depends on the thread count.
        var rng = new SimRandom(3);
        double[] neighbours = [0, 1e-10, 0.5, 3, 1e3, 1e7, double.NaN, double.PositiveInfinity];
        for (int i = 0; i < 500; i++)
        {
            double x = rng.Uniform(-2, 2);
            var reference = Lane0(x, 0);
            foreach (double other in neighbours)
            {
                var (sin, cos) = Lane0(x, other);
                Assert.Equal(BitConverter.DoubleToInt64Bits(reference.Sin), BitConverter.DoubleToInt64Bits(sin));
                Assert.Equal(BitConverter.DoubleToInt64Bits(reference.Cos), BitConverter.DoubleToInt64Bits(cos));
            }
        }
    }
}
