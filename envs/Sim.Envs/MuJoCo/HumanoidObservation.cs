using Sim.Core.Registry;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>The observation Gymnasium's Humanoid-v5 and HumanoidStandup-v5 share: qpos (without the root's leading
/// position coordinates), qvel, then for the bodies after the world cinert and cvel, the actuator forces on the hinge
/// dofs (qfrc_actuator after the free joint's 6) and cfrc_ext; each of the last four parts can be left out, as v5's
/// <c>include_*_in_observation</c> arguments say.</summary>
sealed class HumanoidObservation
{
    const int FreeJointDofs = 6;

    readonly int _skippedPositions;
    readonly bool _cinert, _cvel, _qfrcActuator, _cfrcExt;

    /// <summary>Leaves out <paramref name="skippedPositions"/> leading qpos entries and each part whose flag is false.</summary>
    public HumanoidObservation(int skippedPositions, bool cinert, bool cvel, bool qfrcActuator, bool cfrcExt)
    {
        _skippedPositions = skippedPositions;
        _cinert = cinert;
        _cvel = cvel;
        _qfrcActuator = qfrcActuator;
        _cfrcExt = cfrcExt;
    }

    /// <summary>The four <c>include_*_in_observation</c> switches of v5 (all true by default), in their order in the observation.</summary>
    public static (bool Cinert, bool Cvel, bool QfrcActuator, bool CfrcExt) ReadIncludes(EnvArguments a) => (
        a.Bool("include_cinert_in_observation", true),
        a.Bool("include_cvel_in_observation", true),
        a.Bool("include_qfrc_actuator_in_observation", true),
        a.Bool("include_cfrc_ext_in_observation", true));

    /// <summary>Length of the observation of <paramref name="model"/>.</summary>
    public int Size(MjModel model)
    {
        int bodies = model.nbody - 1;
        return model.nq - _skippedPositions + model.nv
            + (_cinert ? bodies * 10 : 0) + (_cvel ? bodies * 6 : 0)
            + (_qfrcActuator ? model.nv - FreeJointDofs : 0) + (_cfrcExt ? bodies * 6 : 0);
    }

    /// <summary>Writes the observation of <paramref name="data"/>.</summary>
    public void Write(MjData data, Span<float> observation)
    {
        int k = Append(observation, 0, data.qpos, _skippedPositions);
        k = Append(observation, k, data.qvel, 0);
        // Bodies from 1 on: the world body's rows are constant.
        if (_cinert) k = Append(observation, k, data.cinert, 10);
        if (_cvel) k = Append(observation, k, data.cvel, 6);
        if (_qfrcActuator) k = Append(observation, k, data.qfrc_actuator, FreeJointDofs);
        if (_cfrcExt) Append(observation, k, data.cfrc_ext, 6);
    }

    static int Append(Span<float> observation, int offset, ReadOnlySpan<double> values, int skip)
    {
        for (int i = skip; i < values.Length; i++) observation[offset++] = (float)values[i];
        return offset;
    }
}
