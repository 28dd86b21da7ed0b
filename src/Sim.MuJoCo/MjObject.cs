namespace Sim.MuJoCo;

/// <summary>MuJoCo object types (mjtObj), used by name/id lookups.</summary>
public enum MjObject
{
    Unknown = 0, Body, XBody, Joint, Dof, Geom, Site, Camera, Light, Mesh, Skin, HField, Texture,
    Material, Pair, Exclude, Equality, Tendon, Actuator, Sensor, Numeric, Text, Tuple, Key,
}
