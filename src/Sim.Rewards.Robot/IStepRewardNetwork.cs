using static TorchSharp.torch;

namespace Sim.Rewards.Robot;

/// <summary>A reward network over (obs‖act) step rows, as the policy's reward reads it from every ensemble member.</summary>
public interface IStepRewardNetwork
{
    /// <summary>The reward of each step row: <c>[…, obs+act]</c> → <c>[…]</c>.</summary>
    Tensor StepRewards(Tensor steps);
}
