namespace Sim.Viewer.Gl;

/// <summary>No OpenGL context could be created (no display, no EGL, missing libraries); the message says how to fix it.</summary>
public sealed class RenderingUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
