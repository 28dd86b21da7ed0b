using System.Reflection;
using Sim.MuJoCo;

namespace Sim.Envs;

/// <summary>The MJCF files shipped inside this assembly (envs/Sim.Envs/Assets/*.xml).</summary>
public static class EnvAssets
{
    /// <summary>The MJCF text of asset <paramref name="fileName"/>, e.g. <c>hopper.xml</c>.</summary>
    public static string ReadText(string fileName)
    {
        var assembly = typeof(EnvAssets).Assembly;
        using var stream = assembly.GetManifestResourceStream("Sim.Envs.Assets." + fileName)
            ?? throw new FileNotFoundException(
                $"no embedded MJCF asset '{fileName}'; available: {string.Join(", ", Names(assembly))}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Compiles asset <paramref name="fileName"/> into a model.</summary>
    public static MjModel LoadModel(string fileName) => MjModel.FromXmlString(ReadText(fileName), fileName);

    /// <summary>Compiles <paramref name="xmlFile"/> when one is given (Gymnasium's <c>xml_file</c>), otherwise asset
    /// <paramref name="fileName"/>.</summary>
    public static MjModel LoadModel(string? xmlFile, string fileName) =>
        xmlFile is null ? LoadModel(fileName) : MjModel.FromXmlFile(xmlFile);

    static IEnumerable<string> Names(Assembly assembly) =>
        assembly.GetManifestResourceNames().Select(n => n["Sim.Envs.Assets.".Length..]);
}
