namespace Sim.Viewer.Gl;

/// <summary>An OpenGL context MuJoCo renders into: a GLFW window (hidden for offscreen use) or an EGL context without a display.</summary>
/// <remarks>A context is current on at most one thread at a time; each rendering thread owns its own context.</remarks>
public abstract class GlContext : IDisposable
{
    /// <summary>Which kind of context this is.</summary>
    public abstract GlBackend Backend { get; }

    /// <summary>Makes the context current on the calling thread.</summary>
    public abstract void MakeCurrent();

    /// <summary>Detaches the context from the calling thread, so that another thread may make it current.</summary>
    public abstract void ReleaseCurrent();

    /// <summary>Whether the context has been disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Destroys the context.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Destroy();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the native context.</summary>
    protected abstract void Destroy();

    /// <summary>Throws when the context was disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>Creates an offscreen context with <paramref name="backend"/>; <see cref="GlBackend.Auto"/> follows the
    /// SIM_GL environment variable ("egl" or "glfw") when set, else tries EGL and then a hidden GLFW window.</summary>
    /// <param name="backend">The kind of context to create.</param>
    /// <param name="environment">Reads environment variables; tests inject one to simulate a machine without a display.</param>
    public static GlContext CreateOffscreen(GlBackend backend = GlBackend.Auto, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (backend == GlBackend.Auto) backend = ParseBackend(environment("SIM_GL"));
        switch (backend)
        {
            case GlBackend.Egl: return EglContext.Create();
            case GlBackend.Glfw: return GlfwWindow.CreateHidden(64, 64, environment);
        }
        List<string> failures = [];
        try
        {
            return EglContext.Create();
        }
        catch (RenderingUnavailableException e)
        {
            failures.Add(e.Message);
        }
        try
        {
            return GlfwWindow.CreateHidden(64, 64, environment);
        }
        catch (RenderingUnavailableException e)
        {
            failures.Add(e.Message);
        }
        throw new RenderingUnavailableException("no OpenGL context could be created for offscreen rendering:\n  " + string.Join("\n  ", failures));
    }

    static GlBackend ParseBackend(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => GlBackend.Auto,
        "egl" => GlBackend.Egl,
        "glfw" or "glx" or "x11" => GlBackend.Glfw,
        _ => throw new ArgumentException($"SIM_GL = '{value}': expected egl, glfw or auto"),
    };
}
