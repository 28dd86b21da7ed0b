using Sim.Foundation;
using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>An extra self-supervised loss trained together with an <see cref="IRewardObjective"/>, sharing the encoder's
/// trunk: e.g. predicting the next state from a step's embedding, so that the reward features also learn the dynamics.</summary>
/// <remarks>The term reads the member through whatever interface its encoder offers (its trunk and any head of its own,
/// which must be submodules of the encoder so the member's optimizer trains them). Each minibatch of the main objective
/// adds <see cref="Weight"/> × the term's loss on a minibatch the term draws from its own examples.</remarks>
public interface IAuxiliaryObjective
{
    /// <summary>Name for reports and errors, e.g. <c>dynamics</c>.</summary>
    string Name { get; }

    /// <summary>The term's weight in the member's loss.</summary>
    double Weight { get; }

    /// <summary>The term's mean loss for ensemble member <paramref name="memberIndex"/> on a minibatch of
    /// <paramref name="batchSize"/> examples drawn with <paramref name="random"/>; a scalar with gradients, in the caller's scope.</summary>
    Tensor Loss(RewardEncoder member, int memberIndex, int batchSize, ref SimRandom random);
}
