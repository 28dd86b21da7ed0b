using Sim.Foundation;
using Sim.Learning.Replay;
using static Sim.Learning.Tests.Replay.ReplayBufferSamples;

namespace Sim.Learning.Tests.Replay;

/// <summary>Checks writing replay buffers to streams and restoring them in place, as checkpoints do.</summary>
public sealed class ReplayBufferStreamTests
{
    // A stream that can only be read or written front to back, like a pipe or a compressed stream.
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    [Theory]
    [InlineData(40, 0)]
    [InlineData(40, 25)]
    [InlineData(40, 97)] // wrapped: the oldest row is at position 17
    public void A_buffer_restored_in_place_from_a_stream_continues_like_the_original(int capacity, int transitions)
    {
        using var original = Filled(capacity, transitions, seed: 1);
        using var target = Filled(capacity, 33, seed: 2);
        var bytes = new MemoryStream();
        original.Save(bytes);

        bytes.Position = 0;
        target.LoadFrom(bytes);

        AssertSameContents(original, target);
        using var more = Filled(capacity, 6, seed: 3);
        foreach (var buffer in new[] { original, target })
            buffer.Add(more.Observations, more.Actions, more.Rewards, more.NextObservations, more.Terminated);
        AssertSameContents(original, target);
        var a = new SimRandom(9);
        var b = new SimRandom(9);
        Assert.Equal(original.Sample(16, ref a).Rewards.data<float>().ToArray(), target.Sample(16, ref b).Rewards.data<float>().ToArray());
    }

    [Fact]
    public void The_stream_holds_the_file_format_and_needs_no_seeking()
    {
        using var dir = new TempDirectory();
        using var original = Filled(30, 45, seed: 4);
        original.Save(dir.File("replay.bin"));
        var written = new MemoryStream();

        original.Save(new ForwardOnlyStream(written));

        Assert.Equal(File.ReadAllBytes(dir.File("replay.bin")), written.ToArray());
        written.Position = 0;
        using var fromStream = ReplayBufferFile.Read(new ForwardOnlyStream(written));
        AssertSameContents(original, fromStream);
        using var inPlace = new ReplayBuffer(30, 3, 2);
        written.Position = 0;
        inPlace.LoadFrom(new ForwardOnlyStream(written));
        AssertSameContents(original, inPlace);
    }

    [Fact]
    public void A_buffer_of_another_shape_is_refused_and_the_target_keeps_its_rows()
    {
        using var original = Filled(30, 10, seed: 5);
        using var target = Filled(40, 12, seed: 6);
        using var before = Filled(40, 12, seed: 6);
        var bytes = new MemoryStream();
        original.Save(bytes);
        bytes.Position = 0;

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadFrom(bytes));

        Assert.Contains("capacity 30", ex.Message);
        Assert.Contains("capacity 40", ex.Message);
        AssertSameContents(before, target);
    }

    [Fact]
    public void Corrupt_rows_leave_the_target_empty_rather_than_mixed()
    {
        using var original = Filled(30, 10, seed: 7);
        using var target = Filled(30, 20, seed: 8);
        var bytes = new MemoryStream();
        original.Save(bytes);
        var corrupt = bytes.ToArray();
        corrupt[ReplayBufferFile.HeaderSize + 5] ^= 0x10;

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadFrom(new MemoryStream(corrupt)));

        Assert.Contains("corrupt payload", ex.Message);
        Assert.Equal(0, target.Count);
        Assert.Equal(0, target.Position);

        // A stream that ends inside the rows is a truncation, whether or not its length is known up front.
        var truncated = bytes.ToArray()[..^9];
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => target.LoadFrom(new MemoryStream(truncated))).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => target.LoadFrom(new ForwardOnlyStream(new MemoryStream(truncated)))).Message);
    }
}
