namespace Sim.Core.Wrappers;

/// <summary>Tells wrappers whether a forwarded <see cref="IVectorEnv.Truncate"/> actually ended an episode.</summary>
/// <remarks>
/// An outer wrapper (a time limit, a divergence check) may truncate an env after an inner wrapper has
/// already processed the step. Wrappers that derive outputs from the step's end flags use this to redo
/// the work for that one env, so their outputs agree whichever order they are stacked in.
/// </remarks>
static class EpisodeTruncation
{
    /// <summary>Forwards the truncation to <paramref name="inner"/>; true when env <paramref name="env"/> was running and is now truncated.</summary>
    public static bool Forward(IVectorEnv inner, int env)
    {
        bool wasEnded = (uint)env < (uint)inner.NumEnvs && (inner.Terminated[env] || inner.Truncated[env]);
        inner.Truncate(env);
        return !wasEnded && inner.Truncated[env];
    }
}
