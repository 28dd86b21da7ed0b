using Sim.Alignment.Model;
using Sim.Alignment.Tokenization;
using Sim.Rewards.Models;

namespace Sim.Alignment.Rewards;

/// <summary>Builds, saves and loads the reward core's <see cref="RewardModel{TItem}"/> over token sequences: the same
/// ensemble, objectives, aggregation, normaliser and model file as the robots', with <see cref="TextRewardEncoder"/>
/// members and a <see cref="CompletionCollator"/>.</summary>
public static class TextRewardModel
{
    /// <summary>The kind recorded in the reward model file.</summary>
    public const string Kind = "text-transformer";

    /// <summary>An untrained model of <paramref name="config"/>.</summary>
    public static RewardModel<TokenizedCompletion> Create(TextRewardModelConfig config, TorchSharp.torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return new RewardModel<TokenizedCompletion>(config.Ensemble, config.Aggregation, config.Normalization,
            new CompletionCollator(config.Model.ContextLength), (member, generator) => new TextRewardEncoder(config.MemberModel(member), generator), device);
    }

    /// <summary>Writes <paramref name="model"/> with <paramref name="config"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(RewardModel<TokenizedCompletion> model, string path, TextRewardModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Save(path, Kind, config);
    }

    /// <summary>Loads the model at <paramref name="path"/>, checking that <paramref name="tokenizer"/> is the one its inputs were encoded with.</summary>
    /// <exception cref="InvalidDataException">When the file was made with another tokenizer (another run's).</exception>
    /// <exception cref="Sim.Rewards.Serialization.RewardModelFormatException">When the file is damaged or of another kind.</exception>
    public static RewardModel<TokenizedCompletion> Load(string path, BpeTokenizer tokenizer, TorchSharp.torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return RewardModel<TokenizedCompletion>.Load<TextRewardModelConfig, RewardModel<TokenizedCompletion>>(path, Kind, config =>
        {
            if (config.TokenizerIdentity != tokenizer.Identity)
                throw new InvalidDataException(
                    $"reward model file '{Path.GetFullPath(path)}' was trained with tokenizer {config.TokenizerIdentity}, but the tokenizer given is {tokenizer.Identity}: use the tokenizer.json saved with this model, not another run's");
            return Create(config, device);
        }, model => model);
    }
}
