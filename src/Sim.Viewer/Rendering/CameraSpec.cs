namespace Sim.Viewer.Rendering;

/// <summary>Which camera a frame is rendered through: the free camera, a free camera tracking a body, or a camera of the model.</summary>
/// <remarks>Text form (the <c>--camera</c> option): <c>free</c>, <c>tracking</c> (the model's first moving body),
/// <c>tracking:BODY</c>, or the name of a camera defined in the model.</remarks>
public sealed record CameraSpec(CameraKind Kind, string? Name = null)
{
    /// <summary>The env's own default: a tracking camera for MuJoCo envs, the fixed side view for classic control.</summary>
    public static CameraSpec Default { get; } = new(CameraKind.Default);

    /// <summary>The free camera looking at the model's centre.</summary>
    public static CameraSpec Free { get; } = new(CameraKind.Free);

    /// <summary>A free camera following body <paramref name="body"/> (null: the first moving body).</summary>
    public static CameraSpec Track(string? body = null) => new(CameraKind.Track, body);

    /// <summary>The model camera named <paramref name="name"/>.</summary>
    public static CameraSpec Fixed(string name) => new(CameraKind.Fixed, name);

    /// <summary>Parses the text form; null or empty means <see cref="Default"/>.</summary>
    public static CameraSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "default") return Default;
        if (text == "free") return Free;
        if (text == "tracking") return Track();
        if (text.StartsWith("tracking:", StringComparison.Ordinal))
        {
            string body = text["tracking:".Length..];
            if (body.Length == 0) throw new ArgumentException($"camera '{text}': expected a body name after 'tracking:'");
            return Track(body);
        }
        return Fixed(text);
    }

    /// <summary>The text form, which <see cref="Parse"/> reads back.</summary>
    public override string ToString() => Kind switch
    {
        CameraKind.Default => "default",
        CameraKind.Free => "free",
        CameraKind.Track => Name is null ? "tracking" : "tracking:" + Name,
        _ => Name ?? "",
    };
}

/// <summary>The kinds of <see cref="CameraSpec"/>.</summary>
public enum CameraKind
{
    /// <summary>Whatever the scene's source considers its best view.</summary>
    Default,
    /// <summary>mjCAMERA_FREE.</summary>
    Free,
    /// <summary>mjCAMERA_TRACKING.</summary>
    Track,
    /// <summary>mjCAMERA_FIXED: a camera of the model.</summary>
    Fixed,
}
