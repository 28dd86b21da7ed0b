namespace Sim.Learning.Runs;

/// <summary>A run's folder with the <see cref="RunConfig"/> read from (or about to be written to) it: what every
/// registered algorithm and reward source builds from, and whose config path their errors name.</summary>
public sealed record RunDefinition(RunDirectory Directory, RunConfig Config)
{
    /// <summary>Opens the run at <paramref name="directory"/> and loads its <c>config.json</c>.</summary>
    public static RunDefinition Load(RunDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return new RunDefinition(directory, directory.LoadConfig<RunConfig>());
    }

    /// <summary>An error for a section <paramref name="section"/> the config lacks although <paramref name="field"/> needs it.</summary>
    public InvalidDataException MissingSection(string section, string field) =>
        new($"'{Directory.ConfigPath}' has no {section} section for {field}");
}
