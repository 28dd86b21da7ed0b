using Sim.Foundation;
using Xunit;

namespace Sim.Core.Tests.Foundation;

public class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sim-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_failed_write_keeps_the_old_file_and_leaves_no_temporary()
    {
        string path = Path.Combine(_directory, "model.bin");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial"u8);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { "model.bin" }, Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_write_replaces_the_file_and_creates_missing_folders()
    {
        string path = Path.Combine(_directory, "a", "b", "c.txt");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllBytes(path, "second"u8);
        Assert.Equal("second", File.ReadAllText(path));
    }
}
