namespace Sim.Viewer.Rendering;

/// <summary>How much MuJoCo's renderer does per frame: everything the model asks for, or the cheap subset that a
/// software OpenGL (Mesa on the CPU) draws several times faster.</summary>
public enum RenderQuality
{
    /// <summary>The model's settings: multisampled offscreen buffer (4× by default), shadows and reflections.</summary>
    Full,

    /// <summary>No multisampling, no shadows, no reflections; geometry, colours, textures and lighting are unchanged.</summary>
    Fast,
}
