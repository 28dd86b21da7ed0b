using System.CommandLine;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align</c>: the language-model alignment trainers and tools, on the same reward core as the robots.</summary>
public static class AlignCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create() => new("align", "Small language models: SFT, reward models, sampling")
    {
        AlignSftCommand.Create(),
        AlignRewardCommand.Create(),
        AlignSampleCommand.Create(),
    };
}
