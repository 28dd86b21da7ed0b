using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Rewards.Serialization;

/// <summary>A checked reward model file in memory: its kind, JSON config and each member's tensors, ready to load into
/// freshly built members.</summary>
/// <param name="Path">The file it was read from, for error messages.</param>
/// <param name="Kind">What model wrote it, e.g. <c>robot-step-mlp</c>.</param>
/// <param name="ConfigJson">The model's config and normaliser, as JSON.</param>
/// <param name="Members">Each member's named tensors, in saved order.</param>
public sealed record RewardModelFileContents(string Path, string Kind, string ConfigJson, IReadOnlyList<IReadOnlyList<SavedTensor>> Members)
{
    /// <summary>Copies member <paramref name="index"/>'s saved tensors into <paramref name="module"/>'s tensors of the same
    /// names, converting to their dtype and device.</summary>
    /// <exception cref="RewardModelFormatException">When a name is missing or extra, or a shape differs.</exception>
    public void LoadMember(int index, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (index < 0 || index >= Members.Count)
            throw new RewardModelFormatException(Path, $"has {Members.Count} members: member {index} was asked for");
        var saved = Members[index].ToDictionary(t => t.Name);
        var state = module.state_dict();
        foreach (var name in saved.Keys)
        {
            if (!state.ContainsKey(name))
                throw new RewardModelFormatException(Path, $"member {index} has a tensor '{name}' that the model built from its config lacks (expected {string.Join(", ", state.Keys)})");
        }
        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            if (!saved.TryGetValue(name, out var source))
                throw new RewardModelFormatException(Path, $"member {index} lacks the tensor '{name}' that the model built from its config has");
            if (!source.Shape.SequenceEqual(target.shape))
                throw new RewardModelFormatException(Path,
                    $"member {index} tensor '{name}' has shape [{string.Join(", ", source.Shape)}]: expected [{string.Join(", ", target.shape)}] from the config");
            using var scope = NewDisposeScope();
            var values = tensor(source.Values, source.Shape).to_type(target.dtype).to(target.device);
            target.copy_(values);
        }
    }
}
