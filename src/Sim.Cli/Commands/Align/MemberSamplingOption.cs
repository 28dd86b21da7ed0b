using System.CommandLine;
using Sim.Rewards.Ensembles;

namespace Sim.Cli.Commands.Align;

/// <summary><c>--member-sampling</c>, shared by the commands that train a reward ensemble: how each member draws its pairs.</summary>
public static class MemberSamplingOption
{
    /// <summary>The option, defaulting to shuffle.</summary>
    public static Option<string> Create() => new("--member-sampling")
    {
        Description = "How each ensemble member draws its training pairs: shuffle (all pairs, in its own order) or bootstrap (its own resample, drawn with replacement)",
        DefaultValueFactory = _ => "shuffle",
    };

    /// <summary>The sampling <paramref name="value"/> names.</summary>
    /// <exception cref="ArgumentException">The name is neither shuffle nor bootstrap.</exception>
    public static MemberSampling Parse(string value) => value switch
    {
        "shuffle" => MemberSampling.Shuffle,
        "bootstrap" => MemberSampling.Bootstrap,
        _ => throw new ArgumentException($"--member-sampling '{value}': expected shuffle or bootstrap"),
    };
}
