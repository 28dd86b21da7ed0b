namespace Sim.Learning.Tests.Runs;

/// <summary>A clock that shows a set time and moves only when told, so that logged wall times are known exactly.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now;

    public ManualClock(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
