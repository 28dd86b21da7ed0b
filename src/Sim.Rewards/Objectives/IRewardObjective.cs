using Sim.Rewards.Models;
using static TorchSharp.torch;

namespace Sim.Rewards.Objectives;

/// <summary>What a <see cref="Ensembles.RewardEnsemble"/> trains its members on: a loss over a set of examples (labelled
/// pairs, labelled items, items with target sums) already on the device. The ensemble owns members, sampling, early
/// stopping and regularisation; the objective only says how a minibatch of its examples is scored.</summary>
public interface IRewardObjective
{
    /// <summary>Name for reports and errors, e.g. <c>pairwise preference</c>.</summary>
    string Name { get; }

    /// <summary>Examples to train on.</summary>
    int Count { get; }

    /// <summary>The loss of each example at <paramref name="indices"/> (1-D int64 on the device) under
    /// <paramref name="member"/>, with what the accuracy counts; tensors belong to the caller's dispose scope.</summary>
    ObjectiveTerms Terms(RewardEncoder member, Tensor indices);
}
