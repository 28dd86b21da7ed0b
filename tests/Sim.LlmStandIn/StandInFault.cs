namespace Sim.LlmStandIn;

/// <summary>How the stand-in misbehaves on a request, for the fault tests.</summary>
public enum StandInFault
{
    /// <summary>Answers by the keyword rule.</summary>
    None,

    /// <summary>Answers by the rule after <see cref="StandInBehaviour.Delay"/>.</summary>
    Slow,

    /// <summary>429 with a <c>Retry-After</c> header of <see cref="StandInBehaviour.RetryAfterSeconds"/>.</summary>
    TooManyRequests,

    /// <summary>500 with a short text body.</summary>
    ServerError,

    /// <summary>200 whose body is not JSON.</summary>
    MalformedJson,

    /// <summary>A well-formed completion whose text is not an answer ("I like turtles").</summary>
    WrongContent,
}
