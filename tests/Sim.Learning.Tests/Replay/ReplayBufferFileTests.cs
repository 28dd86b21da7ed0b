using Sim.Foundation;
using Sim.Learning.Replay;
using static Sim.Learning.Tests.Replay.ReplayBufferSamples;

namespace Sim.Learning.Tests.Replay;

/// <summary>Checks saving and loading replay buffers: exact round trips, atomic writes, and clear errors for bad files.</summary>
public sealed class ReplayBufferFileTests
{
    [Theory]
    [InlineData(50, 0)]
    [InlineData(50, 17)]
    [InlineData(50, 123)]
    public void Save_and_load_round_trip_exactly(int capacity, int transitions)
    {
        using var dir = new TempDirectory();
        string path = dir.File("replay.bin");
        using var original = Filled(capacity, transitions);

        original.Save(path);
        using var loaded = ReplayBuffer.Load(path);

        AssertSameContents(original, loaded);
        // The loaded buffer continues where the original would: the next transition goes to the same row.
        using var more = Filled(capacity, 5);
        foreach (var buffer in new[] { original, loaded })
            buffer.Add(more.Observations, more.Actions, more.Rewards, more.NextObservations, more.Terminated);
        AssertSameContents(original, loaded);
        if (loaded.Count > 0)
        {
            var a = new SimRandom(3);
            var b = new SimRandom(3);
            Assert.Equal(original.Sample(16, ref a).Rewards.data<float>().ToArray(), loaded.Sample(16, ref b).Rewards.data<float>().ToArray());
        }
    }

    [Fact]
    public void Saving_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        using var dir = new TempDirectory();
        string path = dir.File("replay.bin");
        using (var first = Filled(20, 5)) first.Save(path);
        using var second = Filled(20, 30);

        second.Save(path);

        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
        using var loaded = ReplayBuffer.Load(path);
        AssertSameContents(second, loaded);
    }

    [Fact]
    public void A_flipped_payload_byte_is_reported_as_corrupt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("replay.bin");
        using (var buffer = Filled(20, 10)) buffer.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[ReplayBufferFile.HeaderSize + 13] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => ReplayBuffer.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("corrupt payload", ex.Message);
    }

    [Fact]
    public void A_flipped_header_byte_is_reported_as_a_corrupt_header()
    {
        using var dir = new TempDirectory();
        string path = dir.File("replay.bin");
        using (var buffer = Filled(20, 10)) buffer.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[28] ^= 0x01; // the count
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => ReplayBuffer.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("corrupt header", ex.Message);
    }

    [Fact]
    public void A_truncated_file_says_how_much_is_missing()
    {
        using var dir = new TempDirectory();
        string path = dir.File("replay.bin");
        using (var buffer = Filled(20, 10)) buffer.Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^7]);
        // 10 transitions × (2·3 + 2 + 1) floats × 4 bytes + 10 flag bytes = 370 payload bytes.
        var ex = Assert.Throws<InvalidDataException>(() => ReplayBuffer.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("10 transitions, a 370-byte payload, but only 363 bytes follow", ex.Message);

        File.WriteAllBytes(path, bytes[..40]);
        var header = Assert.Throws<InvalidDataException>(() => ReplayBuffer.Load(path));
        Assert.Contains("fewer than the 64-byte header", header.Message);
    }

    [Fact]
    public void Other_files_are_rejected_by_their_magic()
    {
        using var dir = new TempDirectory();
        string path = dir.File("notes.txt");
        File.WriteAllText(path, "these are not transitions, just some text");

        var ex = Assert.Throws<InvalidDataException>(() => ReplayBuffer.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("not a replay buffer file", ex.Message);
    }
}
