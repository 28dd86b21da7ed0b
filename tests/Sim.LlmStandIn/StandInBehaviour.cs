namespace Sim.LlmStandIn;

/// <summary>What the stand-in does with the next requests: a fault for the first <see cref="FaultyRequests"/> of them
/// (all when null), then the keyword rule. Changed by tests while the server runs.</summary>
public sealed class StandInBehaviour
{
    readonly object _gate = new();
    int _faultsServed;

    /// <summary>The fault to serve.</summary>
    public StandInFault Fault { get; set; }

    /// <summary>How many requests get the fault before the rule answers again; null: every request.</summary>
    public int? FaultyRequests { get; set; }

    /// <summary>How long a <see cref="StandInFault.Slow"/> answer waits.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> a 429 carries, in whole seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Sets <paramref name="fault"/> for the next <paramref name="requests"/> requests (all when null).</summary>
    public void Set(StandInFault fault, int? requests = null)
    {
        lock (_gate)
        {
            Fault = fault;
            FaultyRequests = requests;
            _faultsServed = 0;
        }
    }

    /// <summary>The fault for the request arriving now.</summary>
    internal StandInFault Next()
    {
        lock (_gate)
        {
            if (Fault == StandInFault.None) return StandInFault.None;
            if (FaultyRequests is int n && _faultsServed >= n) return StandInFault.None;
            _faultsServed++;
            return Fault;
        }
    }
}
