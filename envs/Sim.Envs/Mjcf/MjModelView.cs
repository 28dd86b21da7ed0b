using Sim.MuJoCo;

namespace Sim.Envs.Mjcf;

/// <summary>A read-only view of a compiled model for the functions of an <see cref="MjcfTask"/>: sizes, masses and name lookups.</summary>
public sealed class MjModelView
{
    readonly MjModel _model;

    internal MjModelView(MjModel model) => _model = model;

    /// <summary>Number of position coordinates (length of qpos).</summary>
    public int Nq => _model.nq;

    /// <summary>Number of degrees of freedom (length of qvel).</summary>
    public int Nv => _model.nv;

    /// <summary>Number of actuators (length of an action).</summary>
    public int Nu => _model.nu;

    /// <summary>Number of bodies, the world body 0 included.</summary>
    public int Nbody => _model.nbody;

    /// <summary>Number of sensor values (length of sensordata).</summary>
    public int Nsensordata => _model.nsensordata;

    /// <summary>Physics timestep, s.</summary>
    public double Timestep => _model.Timestep;

    /// <summary>Mass of each body (nbody), kg.</summary>
    public ReadOnlySpan<double> BodyMass => _model.body_mass;

    /// <summary>Id of the body named <paramref name="name"/>; an error names it when there is none.</summary>
    public int BodyId(string name) => _model.NameToId(MjObject.Body, name);

    /// <summary>Id of the joint named <paramref name="name"/>; an error names it when there is none.</summary>
    public int JointId(string name) => _model.NameToId(MjObject.Joint, name);

    /// <summary>Type of joint <paramref name="joint"/>: 0 free, 1 ball, 2 slide, 3 hinge (MuJoCo's mjtJoint).</summary>
    public int JointType(int joint) => _model.jnt_type[joint];

    /// <summary>The first joint of body <paramref name="body"/>, or -1 when the body has none (it is welded to its parent).</summary>
    public int FirstJointOf(int body) => _model.body_jntnum[body] > 0 ? _model.body_jntadr[body] : -1;

    /// <summary>Address in qpos of joint <paramref name="joint"/>.</summary>
    public int JointQposAddress(int joint) => _model.jnt_qposadr[joint];

    /// <summary>Address in qvel of joint <paramref name="joint"/>.</summary>
    public int JointQvelAddress(int joint) => _model.jnt_dofadr[joint];
}
