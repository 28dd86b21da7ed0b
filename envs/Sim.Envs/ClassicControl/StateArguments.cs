namespace Sim.Envs.ClassicControl;

/// <summary>Argument checks shared by the classic-control <c>GetState</c>/<c>SetState</c> methods.</summary>
internal static class StateArguments
{
    /// <summary>Throws unless <paramref name="env"/> indexes one of <paramref name="numEnvs"/> envs.</summary>
    public static void CheckEnv(int env, int numEnvs)
    {
        if ((uint)env >= (uint)numEnvs)
            throw new ArgumentOutOfRangeException(nameof(env), env, $"expected an env index in [0, {numEnvs - 1}]");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite: a NaN or infinite state would poison every later step
    /// (and never leave angle wrapping loops).</summary>
    public static void CheckFinite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{name} = {value}: states must be finite", name);
    }
}
