using Sim.Foundation;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sim.Learning.Runs;

/// <summary>Saves a run's config record (e.g. <c>PpoConfig</c>) as indented JSON and loads it back for resuming.</summary>
/// <remarks>
/// Property names are written as declared and enums as their names, so the file reads like the C# record.
/// Loading is strict: a property the type does not have is an error rather than silently dropped, because a
/// resumed run that quietly ignores a setting would train differently from the run it continues.
/// </remarks>
public static class RunConfigFile
{
    /// <summary>The serializer settings used for config files.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Writes <paramref name="config"/> to <paramref name="path"/> atomically (the old file or the complete new one, never half).</summary>
    public static void Save<T>(string path, T config)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(config);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(config, Options);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(json);
            stream.WriteByte((byte)'\n');
        });
    }

    /// <summary>
    /// Loads a <typeparamref name="T"/> from <paramref name="path"/>. A missing file is a <see cref="FileNotFoundException"/>;
    /// an unreadable, malformed or mismatched one is an <see cref="InvalidDataException"/> naming the file, the position and the problem.
    /// </summary>
    public static T Load<T>(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"config file '{full}' does not exist: expected the {typeof(T).Name} saved when the run started", full);
        }
        byte[] bytes = File.ReadAllBytes(full);
        if (bytes.Length == 0)
        {
            throw new InvalidDataException($"config file '{full}' is empty: expected a JSON object holding a {typeof(T).Name}");
        }
        T? config;
        try
        {
            config = JsonSerializer.Deserialize<T>(bytes, Options);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            string member = string.IsNullOrEmpty(e.Path) ? "" : $" (JSON path {e.Path})";
            throw new InvalidDataException($"config file '{full}' is not a valid {typeof(T).Name}{where}{member}: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidDataException($"config file '{full}' cannot be read as a {typeof(T).Name}: {e.Message}", e);
        }
        return config ?? throw new InvalidDataException($"config file '{full}' holds JSON null: expected a JSON object holding a {typeof(T).Name}");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            // Losses and returns can be NaN or infinite, and a config may carry such a value (e.g. "no target KL").
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
