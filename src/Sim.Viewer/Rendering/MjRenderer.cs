using System.Text;
using Sim.Core.Registry;
using Sim.MuJoCo;
using Sim.Viewer.Gl;
using Sim.Viewer.Native;

namespace Sim.Viewer.Rendering;

/// <summary>Renders one MuJoCo model with MuJoCo's own OpenGL renderer: owns the mjvScene, the mjrContext and the camera,
/// option and perturbation state, on a <see cref="GlContext"/> it owns (offscreen) or borrows (a viewer window).</summary>
/// <remarks>
/// A frame is: <see cref="UpdateScene"/> (model geoms from an mjData), optional user geoms added to <see cref="Scene"/>,
/// <see cref="Render"/> into a viewport, optional <see cref="DrawOverlay"/>, then the output:
/// <see cref="ReadPixels"/> for offscreen frames or the window's swap. <see cref="RenderFrame"/> does all of it for the
/// offscreen case. Every call makes the context current on the calling thread first, so a renderer may move between
/// threads between calls, but must not be used by two threads at once.
/// </remarks>
public sealed unsafe class MjRenderer : IDisposable
{
    // Sizes of the offscreen buffer are read from the model when the mjrContext is made, so they are raised on the model
    // first; this lock keeps two renderers of one model from racing on those fields.
    static readonly Lock ModelVisualSync = new();

    // Indices into mjvScene.flags (mjtRndFlag).
    const int RenderFlagShadow = 0;
    const int RenderFlagReflection = 2;

    readonly bool _ownsContext;
    MjvCamera _camera;
    MjvOption _option;
    MjvPerturb _perturb;
    byte[] _readback = [];
    bool _disposed;

    /// <summary>Creates a renderer on <paramref name="context"/> whose offscreen buffer holds at least
    /// <paramref name="offscreenWidth"/> × <paramref name="offscreenHeight"/> pixels.</summary>
    /// <param name="model">The model to draw; it must outlive the renderer.</param>
    /// <param name="context">The OpenGL context to render in; made current by this constructor.</param>
    /// <param name="ownsContext">Whether disposing the renderer disposes the context.</param>
    /// <param name="offscreenWidth">Offscreen buffer width in pixels.</param>
    /// <param name="offscreenHeight">Offscreen buffer height in pixels.</param>
    /// <param name="maxGeom">Room in the scene for model geoms, decorations and user geoms together.</param>
    /// <param name="fontScale">Font size in percent (100, 150, 200…).</param>
    /// <param name="quality">What each frame draws; see <see cref="RenderQuality"/>.</param>
    public MjRenderer(MjModel model, GlContext context, bool ownsContext, int offscreenWidth, int offscreenHeight, int maxGeom = 2000,
        int fontScale = MjvNative.mjFONTSCALE_100, RenderQuality quality = RenderQuality.Full)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        if (offscreenWidth < 1 || offscreenHeight < 1 || offscreenWidth > 8192 || offscreenHeight > 8192)
            throw new ArgumentOutOfRangeException(nameof(offscreenWidth), $"offscreen size {offscreenWidth}x{offscreenHeight}: expected 1..8192 pixels per side");
        Model = model;
        Context = context;
        _ownsContext = ownsContext;
        MjNative.EnsureLoaded();
        context.MakeCurrent();
        lock (ModelVisualSync)
        {
            ref int w = ref MjModelVisual.GlobalOffWidth(model);
            ref int h = ref MjModelVisual.GlobalOffHeight(model);
            w = Math.Max(w, offscreenWidth);
            h = Math.Max(h, offscreenHeight);
            Scene = new MjvScene(model, maxGeom);
            // The sample count is read from the model when the context is made; other renderers of the model keep theirs.
            ref int samples = ref MjModelVisual.QualityOffSamples(model);
            int modelSamples = samples;
            if (quality == RenderQuality.Fast) samples = 0;
            try
            {
                RenderContext = new MjrContext(model, fontScale);
            }
            finally
            {
                samples = modelSamples;
            }
        }
        Quality = quality;
        if (quality == RenderQuality.Fast)
        {
            Scene.flags[RenderFlagShadow] = 0;
            Scene.flags[RenderFlagReflection] = 0;
        }
        if (RenderContext.offWidth < offscreenWidth || RenderContext.offHeight < offscreenHeight)
            throw new RenderingUnavailableException(
                $"the OpenGL driver gave a {RenderContext.offWidth}x{RenderContext.offHeight} offscreen buffer, smaller than the {offscreenWidth}x{offscreenHeight} asked for");
        fixed (MjvCamera* c = &_camera) MjvNative.mjv_defaultFreeCamera(model.Ptr, c);
        fixed (MjvOption* o = &_option) MjvNative.mjv_defaultOption(o);
        fixed (MjvPerturb* p = &_perturb) MjvNative.mjv_defaultPerturb(p);
        GC.KeepAlive(model);
    }

    /// <summary>Creates a renderer with its own offscreen OpenGL context (see <see cref="GlContext.CreateOffscreen"/>).</summary>
    public static MjRenderer CreateOffscreen(MjModel model, int width, int height, GlBackend backend = GlBackend.Auto, int maxGeom = 2000,
        Func<string, string?>? environment = null)
    {
        var context = GlContext.CreateOffscreen(backend, environment);
        try
        {
            return new MjRenderer(model, context, ownsContext: true, width, height, maxGeom);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The model drawn.</summary>
    public MjModel Model { get; }

    /// <summary>What each frame draws.</summary>
    public RenderQuality Quality { get; }

    /// <summary>The OpenGL context the resources live in.</summary>
    public GlContext Context { get; }

    /// <summary>The abstract scene; add user geoms after <see cref="UpdateScene"/> and before <see cref="Render"/>.</summary>
    public MjvScene Scene { get; }

    /// <summary>MuJoCo's OpenGL resources for the model.</summary>
    public MjrContext RenderContext { get; }

    /// <summary>Width of the offscreen buffer in pixels.</summary>
    public int OffscreenWidth => RenderContext.offWidth;

    /// <summary>Height of the offscreen buffer in pixels.</summary>
    public int OffscreenHeight => RenderContext.offHeight;

    /// <summary>The camera that <see cref="UpdateScene"/> looks through (mouse moves edit it through mjv_moveCamera).</summary>
    public ref MjvCamera Camera => ref _camera;

    /// <summary>What the scene shows (geom groups, frames, labels, visual flags).</summary>
    public ref MjvOption Option => ref _option;

    /// <summary>The selection and mouse perturbation drawn by the scene.</summary>
    public ref MjvPerturb Perturb => ref _perturb;

    /// <summary>Names of the cameras defined in the model, by id.</summary>
    public IReadOnlyList<string> CameraNames => Enumerable.Range(0, Model.ncam).Select(i => Model.IdToName(MjObject.Camera, i) ?? $"camera{i}").ToArray();

    /// <summary>Points <see cref="Camera"/> as <paramref name="spec"/> says; <see cref="CameraKind.Default"/> tracks the first moving body.</summary>
    /// <exception cref="ArgumentException">The camera or body name is not in the model; the message lists the valid choices.</exception>
    public void SetCamera(CameraSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        fixed (MjvCamera* c = &_camera) MjvNative.mjv_defaultFreeCamera(Model.Ptr, c);
        switch (spec.Kind)
        {
            case CameraKind.Free:
                break;
            case CameraKind.Default:
            case CameraKind.Track:
                int body = spec.Name is null ? Math.Min(1, Model.nbody - 1) : Model.TryNameToId(MjObject.Body, spec.Name);
                if (body < 0) throw new ArgumentException($"camera 'tracking:{spec.Name}': no body named '{spec.Name}' in the model; bodies: {string.Join(", ", BodyNames())}");
                if (body > 0)
                {
                    _camera.type = 1; // mjCAMERA_TRACKING
                    _camera.trackbodyid = body;
                    // The free camera's distance follows the model's extent, which a large floor plane inflates; a
                    // tracked robot is a few metres tall at most.
                    _camera.distance = Math.Min(_camera.distance, 4.0);
                    _camera.elevation = -20;
                }
                break;
            case CameraKind.Fixed:
                int id = spec.Name is null ? -1 : Model.TryNameToId(MjObject.Camera, spec.Name);
                if (id < 0)
                    throw new ArgumentException($"camera '{spec.Name}' is not in the model: expected {CameraChoices()}");
                _camera.type = 2; // mjCAMERA_FIXED
                _camera.fixedcamid = id;
                break;
        }
        GC.KeepAlive(Model);
    }

    /// <summary>Sets the fields of <see cref="Camera"/> that <paramref name="config"/> gives (Gymnasium's
    /// <c>default_camera_config</c>), leaving the others as they are. A body to track given without a camera type makes a
    /// tracking camera when it is a moving body (id 1 or more) and a free camera otherwise.</summary>
    /// <exception cref="ArgumentException">A body or camera id is not in the model.</exception>
    public void ApplyCameraConfig(DefaultCameraConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.CheckAgainstModel(Model.nbody, Model.ncam, "this model");
        if (config.TrackBodyId is int body)
        {
            _camera.trackbodyid = body;
            if (config.Type is null) _camera.type = body >= 1 ? 1 : 0;
        }
        if (config.Type is int type) _camera.type = type;
        if (config.FixedCamId is int camera) _camera.fixedcamid = camera;
        if (config.Lookat is { } point)
            for (int i = 0; i < 3; i++) _camera.lookat[i] = point[i];
        if (config.Distance is double distance) _camera.distance = distance;
        if (config.Azimuth is double azimuth) _camera.azimuth = azimuth;
        if (config.Elevation is double elevation) _camera.elevation = elevation;
    }

    /// <summary>Describes the valid camera names, for error messages.</summary>
    public string CameraChoices()
    {
        var names = CameraNames;
        string models = names.Count == 0 ? "the model defines no cameras" : "model cameras: " + string.Join(", ", names.Select(n => $"'{n}'"));
        return $"'free', 'tracking', 'tracking:BODY', or a camera of the model ({models})";
    }

    IEnumerable<string> BodyNames() => Enumerable.Range(1, Math.Max(0, Model.nbody - 1)).Select(i => Model.IdToName(MjObject.Body, i) ?? $"body{i}");

    /// <summary>Rebuilds the scene's geoms and lights from <paramref name="data"/> as seen by <see cref="Camera"/> (mjv_updateScene).</summary>
    public void UpdateScene(MjData data)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(data);
        if (data.Model != Model) throw new ArgumentException("data belongs to another model than the renderer's", nameof(data));
        fixed (MjvOption* o = &_option)
        fixed (MjvPerturb* p = &_perturb)
        fixed (MjvCamera* c = &_camera)
            MjvNative.mjv_updateScene(Model.Ptr, data.Ptr, o, p, c, MjvNative.mjCAT_ALL, Scene.Ptr);
        GC.KeepAlive(data);
    }

    /// <summary>Draws the scene into <paramref name="viewport"/> of <paramref name="framebuffer"/> (mjFB_OFFSCREEN or mjFB_WINDOW).</summary>
    public void Render(MjrRect viewport, int framebuffer = MjvNative.mjFB_OFFSCREEN)
    {
        ThrowIfDisposed();
        Context.MakeCurrent();
        MjvNative.mjr_setBuffer(framebuffer, RenderContext.Ptr);
        MjvNative.mjr_render(viewport, Scene.Ptr, RenderContext.Ptr);
    }

    /// <summary>Draws two columns of text over the last render (mjr_overlay).</summary>
    public void DrawOverlay(MjrRect viewport, OverlayText text)
    {
        ThrowIfDisposed();
        var labels = Encoding.UTF8.GetBytes(text.Labels + "\0");
        var values = Encoding.UTF8.GetBytes(text.Values + "\0");
        fixed (byte* l = labels)
        fixed (byte* v = values)
            MjvNative.mjr_overlay(1 /* mjFONT_SHADOW */, (int)text.Corner, viewport, l, v, RenderContext.Ptr);
    }

    /// <summary>Reads <paramref name="width"/> × <paramref name="height"/> RGB pixels from the bottom-left of the current buffer
    /// into <paramref name="rgb"/>, top row first (OpenGL returns the bottom row first).</summary>
    public void ReadPixels(Span<byte> rgb, int width, int height)
    {
        ThrowIfDisposed();
        int stride = 3 * width;
        if (rgb.Length != stride * height)
            throw new ArgumentException($"rgb buffer has {rgb.Length} bytes, expected {width}x{height}x3 = {stride * height}", nameof(rgb));
        if (_readback.Length < rgb.Length) _readback = new byte[rgb.Length];
        fixed (byte* p = _readback) MjvNative.mjr_readPixels(p, null, new MjrRect { left = 0, bottom = 0, width = width, height = height }, RenderContext.Ptr);
        for (int row = 0; row < height; row++)
            _readback.AsSpan((height - 1 - row) * stride, stride).CopyTo(rgb.Slice(row * stride, stride));
    }

    /// <summary>Renders <paramref name="data"/> offscreen at <paramref name="width"/> × <paramref name="height"/> into
    /// <paramref name="rgb"/> (rows top first, 3 bytes per pixel).</summary>
    /// <param name="data">The state to draw.</param>
    /// <param name="rgb">Destination, width × height × 3 bytes.</param>
    /// <param name="width">Frame width, at most <see cref="OffscreenWidth"/>.</param>
    /// <param name="height">Frame height, at most <see cref="OffscreenHeight"/>.</param>
    /// <param name="decorate">Adds user geoms to the scene after the model's (classic-control drawings, markers).</param>
    /// <param name="overlay">Text drawn over the frame, or null.</param>
    public void RenderFrame(MjData data, Span<byte> rgb, int width, int height, Action<MjvScene>? decorate = null, OverlayText? overlay = null)
    {
        ThrowIfDisposed();
        if (width < 1 || height < 1 || width > OffscreenWidth || height > OffscreenHeight)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"frame size {width}x{height}: expected 1..{OffscreenWidth} x 1..{OffscreenHeight} (the offscreen buffer this renderer was made with)");
        Context.MakeCurrent();
        UpdateScene(data);
        decorate?.Invoke(Scene);
        var viewport = new MjrRect { left = 0, bottom = 0, width = width, height = height };
        Render(viewport, MjvNative.mjFB_OFFSCREEN);
        if (overlay is { } text) DrawOverlay(viewport, text);
        ReadPixels(rgb, width, height);
    }

    void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Frees the scene and the OpenGL resources (and the context when owned).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!Context.IsDisposed)
        {
            Context.MakeCurrent();
            RenderContext.Dispose();
            Context.ReleaseCurrent();
        }
        Scene.Dispose();
        if (_ownsContext) Context.Dispose();
    }
}
