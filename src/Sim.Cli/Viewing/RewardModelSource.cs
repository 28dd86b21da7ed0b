using Sim.Rewards.Robot;
using Sim.Viewer.Interactive;

namespace Sim.Cli.Viewing;

/// <summary>A saved reward model (<see cref="RobotRewardModel"/>) as the viewer's learned reward, shown next to the true one.</summary>
public sealed class RewardModelSource : ILearnedRewardSource
{
    readonly RobotRewardModel _model;

    RewardModelSource(RobotRewardModel model, string name)
    {
        _model = model;
        Name = name;
    }

    /// <summary>Loads <paramref name="path"/> and checks it fits observations of <paramref name="observationSize"/> and actions of
    /// <paramref name="actionSize"/> floats.</summary>
    /// <exception cref="Sim.Rewards.Serialization.RewardModelFormatException">The file is missing, corrupt or not a robot reward model.</exception>
    public static RewardModelSource Load(string path, int observationSize, int actionSize)
    {
        var model = RobotRewardModel.Load(path);
        if (model.ObservationSize != observationSize || model.ActionSize != actionSize)
        {
            string message = $"reward model '{path}' scores observations of {model.ObservationSize} and actions of {model.ActionSize} floats, " +
                $"but the env has {observationSize} and {actionSize}: it was trained for another env";
            model.Dispose();
            throw new ArgumentException(message);
        }
        return new RewardModelSource(model, Path.GetFileName(path));
    }

    public string Name { get; }

    public void Rewards(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, Span<float> rewards) => _model.Rewards(observations, actions, rewards);

    public void Dispose() => _model.Dispose();
}
