namespace Sim.Alignment.Tests.Losses;

/// <summary>Compares doubles to within an absolute tolerance, for whole arrays of expected values.</summary>
internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

    public int GetHashCode(double obj) => 0;
}
