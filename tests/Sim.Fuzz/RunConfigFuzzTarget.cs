using Sim.Learning.Ppo;
using Sim.Learning.Runs;
using Sim.Learning.Sac;

namespace Sim.Fuzz;

/// <summary>Fuzzes <see cref="RunConfigFile.Load{T}"/> on a run's algorithm config, as a resumed run loads it, followed by
/// the config's own validation: the input is accepted when it is a valid <see cref="PpoConfig"/> or <see cref="SacConfig"/>.</summary>
public sealed class RunConfigFuzzTarget : FuzzTarget
{
    readonly string _path;

    /// <summary>Creates the target; inputs are written to one scratch <c>config.json</c> and loaded back.</summary>
    public RunConfigFuzzTarget() => _path = Path.Combine(ScratchDirectory, "config.json");

    /// <inheritdoc />
    public override string Name => "run-config";

    /// <inheritdoc />
    public override string DocumentedRejection => $"{nameof(InvalidDataException)} (loading) or {nameof(ArgumentException)} (validation)";

    /// <inheritdoc />
    public override IReadOnlyList<FuzzSeed> Seeds() =>
    [
        new("ppo.json", Saved(new PpoConfig { TargetKl = 0.02, TorchThreads = 1 })),
        new("ppo-discrete.json", Saved(PpoConfig.DiscreteDefaults)),
        new("sac.json", Saved(new SacConfig())),
    ];

    byte[] Saved<T>(T config)
    {
        RunConfigFile.Save(_path, config);
        return File.ReadAllBytes(_path);
    }

    /// <inheritdoc />
    protected override void Load(byte[] input)
    {
        File.WriteAllBytes(_path, input);
        // A run's config is one of the two; an input the PPO loader rejects goes on to the SAC loader, so both parsers
        // and both validations see every mutant that is not a valid PPO config.
        try
        {
            RunConfigFile.Load<PpoConfig>(_path).Validate();
            return;
        }
        catch (Exception e) when (IsDocumentedRejection(e))
        {
        }
        RunConfigFile.Load<SacConfig>(_path).Validate();
    }

    /// <inheritdoc />
    // Validation throws ArgumentException or ArgumentOutOfRangeException naming the field; a null-argument exception or any
    // other subtype from deeper down would be a bug, so those are not accepted as rejections.
    protected override bool IsDocumentedRejection(Exception e) =>
        e is InvalidDataException or ArgumentOutOfRangeException || e.GetType() == typeof(ArgumentException);
}
