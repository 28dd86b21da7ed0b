using System.Globalization;
using System.Text.Json;

namespace Sim.Core.Registry;

/// <summary>Gymnasium's <c>default_camera_config</c>: fields of MuJoCo's <c>mjvCamera</c> that the default render camera
/// is set to. Every field is optional; a field left out keeps the default view's value.</summary>
/// <remarks>
/// The text form is the keyword argument's value, a JSON object or a Python dict literal:
/// <c>{"distance": 4.0, "elevation": -20, "lookat": [0, 0, 1.15], "trackbodyid": 2}</c>. The keys are mjvCamera's:
/// <c>type</c> (0 free, 1 tracking, 2 fixed), <c>fixedcamid</c>, <c>trackbodyid</c>, <c>lookat</c> (three numbers),
/// <c>distance</c> (positive), <c>azimuth</c> and <c>elevation</c> (degrees). Ids are checked against the model by the env
/// that takes the config (<see cref="IDefaultCameraEnv"/>).
/// </remarks>
public sealed record DefaultCameraConfig
{
    /// <summary>The keyword argument's name, as in Gymnasium.</summary>
    public const string ArgumentName = "default_camera_config";

    /// <summary>mjvCamera.type: 0 free, 1 tracking, 2 fixed.</summary>
    public int? Type { get; init; }

    /// <summary>mjvCamera.fixedcamid: the model camera a fixed camera looks through.</summary>
    public int? FixedCamId { get; init; }

    /// <summary>mjvCamera.trackbodyid: the body a tracking camera follows.</summary>
    public int? TrackBodyId { get; init; }

    /// <summary>mjvCamera.lookat: the point a free camera looks at.</summary>
    public double[]? Lookat { get; init; }

    /// <summary>mjvCamera.distance from the look-at point, in metres.</summary>
    public double? Distance { get; init; }

    /// <summary>mjvCamera.azimuth in degrees.</summary>
    public double? Azimuth { get; init; }

    /// <summary>mjvCamera.elevation in degrees.</summary>
    public double? Elevation { get; init; }

    static readonly string[] Keys = ["type", "fixedcamid", "trackbodyid", "lookat", "distance", "azimuth", "elevation"];

    /// <summary>Reads the text form; <paramref name="envId"/> is named in errors.</summary>
    /// <exception cref="ArgumentException">The text is not an object of known keys with values of the right kind.</exception>
    public static DefaultCameraConfig Parse(string text, string envId)
    {
        ArgumentNullException.ThrowIfNull(text);
        // A Python dict literal becomes JSON: quotes, tuples and numpy's array((...)) wrapper.
        string json = text.Replace("np.array(", "(", StringComparison.Ordinal).Replace("array(", "(", StringComparison.Ordinal)
            .Replace("((", "(", StringComparison.Ordinal).Replace("))", ")", StringComparison.Ordinal)
            .Replace('\'', '"').Replace('(', '[').Replace(')', ']');
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw Bad(text, envId, "an object such as {\"distance\": 4.0, \"elevation\": -20}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(text, envId, "an object such as {\"distance\": 4.0, \"elevation\": -20}");
            var config = new DefaultCameraConfig();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value;
                config = property.Name switch
                {
                    "type" => config with { Type = WholeNumber(value, property.Name, text, envId, min: 0, max: 2) },
                    "fixedcamid" => config with { FixedCamId = WholeNumber(value, property.Name, text, envId, min: -1) },
                    "trackbodyid" => config with { TrackBodyId = WholeNumber(value, property.Name, text, envId, min: -1) },
                    "lookat" => config with { Lookat = Point(value, text, envId) },
                    "distance" => config with { Distance = Number(value, property.Name, text, envId, positive: true) },
                    "azimuth" => config with { Azimuth = Number(value, property.Name, text, envId) },
                    "elevation" => config with { Elevation = Number(value, property.Name, text, envId) },
                    _ => throw Bad(text, envId, $"keys among {string.Join(", ", Keys)}, not '{property.Name}'"),
                };
            }
            if (config.Type == 2 && config.FixedCamId is null or < 0)
                throw Bad(text, envId, "a fixedcamid of 0 or more with type 2 (a fixed camera)");
            return config;
        }
    }

    /// <summary>Throws unless the ids fit a model of <paramref name="bodies"/> bodies and <paramref name="cameras"/> cameras.</summary>
    public void CheckAgainstModel(int bodies, int cameras, string envId)
    {
        if (TrackBodyId is int body && body >= bodies)
            throw new ArgumentException(
                $"env argument {ArgumentName} for {envId}: trackbodyid = {body}, but the model has bodies 0..{bodies - 1}");
        if (FixedCamId is int camera && camera >= cameras)
            throw new ArgumentException(
                $"env argument {ArgumentName} for {envId}: fixedcamid = {camera}, but the model has " +
                (cameras == 0 ? "no cameras" : $"cameras 0..{cameras - 1}"));
    }

    static int WholeNumber(JsonElement value, string key, string text, string envId, int min, int max = int.MaxValue)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= min && n <= max) return n;
        throw Bad(text, envId, max == int.MaxValue ? $"{key} a whole number of at least {min}" : $"{key} a whole number in {min}..{max}");
    }

    static double Number(JsonElement value, string key, string text, string envId, bool positive = false)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && double.IsFinite(d) && (!positive || d > 0)) return d;
        throw Bad(text, envId, positive ? $"{key} a positive number" : $"{key} a finite number");
    }

    static double[] Point(JsonElement value, string text, string envId)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 3)
        {
            var point = new double[3];
            int i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out point[i]) || !double.IsFinite(point[i]))
                    throw Bad(text, envId, "lookat three finite numbers");
                i++;
            }
            return point;
        }
        throw Bad(text, envId, "lookat three finite numbers");
    }

    static ArgumentException Bad(string text, string envId, string expected) =>
        new($"env argument {ArgumentName} = '{text}' for {envId}: expected {expected}");

    /// <summary>The config as a JSON object of the fields that are set.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Type is int t) parts.Add($"\"type\": {t}");
        if (FixedCamId is int f) parts.Add($"\"fixedcamid\": {f}");
        if (TrackBodyId is int b) parts.Add($"\"trackbodyid\": {b}");
        if (Lookat is { } p) parts.Add($"\"lookat\": [{string.Join(", ", p.Select(Invariant))}]");
        if (Distance is double d) parts.Add($"\"distance\": {Invariant(d)}");
        if (Azimuth is double a) parts.Add($"\"azimuth\": {Invariant(a)}");
        if (Elevation is double e) parts.Add($"\"elevation\": {Invariant(e)}");
        return "{" + string.Join(", ", parts) + "}";
    }

    static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
