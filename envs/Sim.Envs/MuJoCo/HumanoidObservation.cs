using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>The observation Gymnasium's Humanoid-v5 and HumanoidStandup-v5 share: qpos (without the root's leading
/// position coordinates), qvel, then for the bodies after the world cinert and cvel, the actuator forces on the hinge
/// dofs (qfrc_actuator after the free joint's 6) and cfrc_ext.</summary>
static class HumanoidObservation
{
    const int FreeJointDofs = 6;

    /// <summary>Length of the observation of <paramref name="model"/> with <paramref name="skippedPositions"/> qpos entries left out.</summary>
    public static int Size(MjModel model, int skippedPositions)
    {
        int bodies = model.nbody - 1;
        return model.nq - skippedPositions + model.nv + bodies * 10 + bodies * 6 + (model.nv - FreeJointDofs) + bodies * 6;
    }

    /// <summary>Writes the observation of <paramref name="data"/>.</summary>
    public static void Write(MjData data, int skippedPositions, Span<float> observation)
    {
        int k = Append(observation, 0, data.qpos, skippedPositions);
        k = Append(observation, k, data.qvel, 0);
        // Bodies from 1 on: the world body's rows are constant.
        k = Append(observation, k, data.cinert, 10);
        k = Append(observation, k, data.cvel, 6);
        k = Append(observation, k, data.qfrc_actuator, FreeJointDofs);
        Append(observation, k, data.cfrc_ext, 6);
    }

    static int Append(Span<float> observation, int offset, ReadOnlySpan<double> values, int skip)
    {
        for (int i = skip; i < values.Length; i++) observation[offset++] = (float)values[i];
        return offset;
    }
}
