using System.CommandLine;

namespace Sim.Cli.Commands.Align;

/// <summary><c>sim align</c>: the language-model alignment trainers and tools, on the same reward core as the robots.</summary>
public static class AlignCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create() => new("align", "Small language models: corpus, SFT, reward models, the DPO family, KTO, best-of-n, sampling")
    {
        AlignSftCommand.Create(),
        AlignRewardCommand.Create(),
        AlignSampleCommand.Create(),
        AlignCorpusCommand.Create(),
        AlignPreferenceCommand.CreateDpo(),
        AlignPreferenceCommand.CreateKto(),
        AlignBestOfNCommand.Create(),
        AlignGpmCommand.Create(),
        AlignDpoFamilyCommand.Create(),
    };
}
