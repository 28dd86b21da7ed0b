namespace Sim.Envs.Tests.ClassicControl;

/// <summary>Tolerance comparisons shared by the classic-control tests.</summary>
internal static class ClassicControlAssert
{
    /// <summary>Asserts |actual − expected| ≤ tolerance × (1 + |expected|), naming the quantity on failure.</summary>
    public static void Close(double expected, double actual, double tolerance, string what)
    {
        Assert.True(Math.Abs(actual - expected) <= tolerance * (1 + Math.Abs(expected)),
            $"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance} relative)");
    }
}
