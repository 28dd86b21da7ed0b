using System.Diagnostics;
using Sim.Fuzz;

namespace Sim.Learning.Tests.Fuzzing;

/// <summary>The fuzz targets run in process: every loader is fed its seed corpus, every input that once crashed it (kept
/// under Fuzzing/Regressions/&lt;target&gt;/ by scripts/fuzz.sh) and thousands of deterministic mutations, and may reject
/// them only with its documented exception: no IndexOutOfRange, Overflow, OutOfMemory, NullReference or hang.</summary>
public sealed class LoaderFuzzTests
{
    const int Mutations = 3000;

    // Far above any honest load of these small inputs (well under a millisecond); only a hang or runaway allocation reaches it.
    static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Targets() => new(FuzzTargets.Names);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_is_accepted(string name)
    {
        using var target = FuzzTargets.Create(name);
        var seeds = target.Seeds();
        Assert.NotEmpty(seeds);
        foreach (var seed in seeds) Assert.True(target.Run(seed.Bytes), $"{name} seed {seed.Name} was rejected");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Inputs_that_once_crashed_are_rejected_cleanly(string name)
    {
        using var target = FuzzTargets.Create(name);
        string folder = Path.Combine(AppContext.BaseDirectory, "Fuzzing", "Regressions", name);
        var cases = Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray() : [];
        foreach (string file in cases) RunGuarded(target, File.ReadAllBytes(file), Path.GetFileName(file));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_are_accepted_or_rejected_with_the_documented_exception(string name)
    {
        using var target = FuzzTargets.Create(name);
        var mutations = new MutationStream(target.Seeds().Select(s => s.Bytes).ToArray(), seed: 20261205);
        int rejected = 0;
        for (int i = 0; i < Mutations; i++)
        {
            if (!RunGuarded(target, mutations.Next(), $"mutation {i}")) rejected++;
        }
        // A mutator that never breaks the format would test nothing.
        Assert.True(rejected > Mutations / 10, $"only {rejected} of {Mutations} mutations of the {name} seeds were rejected");
    }

    [Fact]
    public void Only_the_documented_exception_counts_as_a_rejection()
    {
        // The properties above mean something only if Run lets every other exception through to the test (and to AFL).
        using var rejecting = new ThrowingTarget(new InvalidDataException("bad magic"));
        Assert.False(rejecting.Run([1, 2, 3]));
        using var crashing = new ThrowingTarget(new IndexOutOfRangeException());
        Assert.Throws<IndexOutOfRangeException>(() => crashing.Run([1, 2, 3]));
        Assert.Throws<ArgumentException>(() => FuzzTargets.Create("nope"));
    }

    sealed class ThrowingTarget(Exception exception) : FuzzTarget
    {
        public override string Name => "throwing";

        public override string DocumentedRejection => nameof(InvalidDataException);

        public override IReadOnlyList<FuzzSeed> Seeds() => [new("any.bin", [0])];

        protected override void Load(byte[] input) => throw exception;

        protected override bool IsDocumentedRejection(Exception e) => e is InvalidDataException;
    }

    static bool RunGuarded(FuzzTarget target, byte[] input, string what)
    {
        var clock = Stopwatch.StartNew();
        bool accepted;
        try
        {
            accepted = target.Run(input);
        }
        catch (Exception e)
        {
            Assert.Fail($"{target.Name} {what} ({Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))}…, {input.Length} bytes) "
                + $"escaped with {e.GetType().Name}, not {target.DocumentedRejection}: {e}");
            throw;
        }
        Assert.True(clock.Elapsed < HangLimit, $"{target.Name} {what} took {clock.Elapsed.TotalSeconds:F1} s: a hang");
        return accepted;
    }
}
