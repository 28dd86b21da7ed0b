using Sim.Core;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Base of the locomotion tasks that cannot fall (HalfCheetah, Swimmer): reward = forward − ctrl on qpos[0], no
/// termination, observation = qpos without the root's leading position coordinates, then qvel, unclipped.</summary>
public abstract class UnfallingRunnerEnv : LocomotionEnv
{
    readonly int _skippedPositions;

    /// <summary>Registers the forward and ctrl terms of <paramref name="model"/>; <paramref name="skippedPositions"/> leading
    /// qpos entries (the root's x, or x and y) are left out of the observation.</summary>
    protected UnfallingRunnerEnv(MjModel model, int numEnvs, VectorEnvOptions? options, double forwardRewardWeight, double ctrlCostWeight,
        double resetNoiseScale, int frameSkip, int skippedPositions)
        : base(model, numEnvs, frameSkip, model.nq - skippedPositions + model.nv, options, forwardRewardWeight, ctrlCostWeight,
            healthyReward: null, terminateWhenUnhealthy: false, hasContactCost: false, resetNoiseScale)
    {
        _skippedPositions = skippedPositions;
    }

    protected sealed override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        int k = Append(observation, 0, data.qpos, skip: _skippedPositions);
        Append(observation, k, data.qvel);
    }

    protected sealed override double ForwardPosition(MjData data) => data.qpos[0];
}
