using System.Buffers.Binary;
using Sim.Core.Trajectories;

namespace Sim.Core.Tests.Trajectories;

public sealed class TrajectoryFileCorruptionTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("sim-trajectory-corruption-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    byte[] ValidFile(bool compress)
    {
        string path = Path.Combine(_dir, $"valid-{compress}.traj");
        TrajectoryFile.Write(path, TrajectoryTestData.Varied().Take(4).ToList(), compress);
        return File.ReadAllBytes(path);
    }

    TrajectoryFileException ReadFails(byte[] contents, string name = "broken.traj")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, contents);
        var ex = Assert.Throws<TrajectoryFileException>(() => TrajectoryFile.Read(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith($"trajectory file '{path}': ", ex.Message);
        return ex;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_file_cut_short_anywhere_is_reported_as_truncated(bool compress)
    {
        byte[] file = ValidFile(compress);
        int[] cuts = [0, 1, 7, 8, 12, 31, 32, 33, 100, file.Length / 2, file.Length - 5, file.Length - 1];
        foreach (int cut in cuts)
        {
            var ex = ReadFails(file[..cut]);
            Assert.Contains("truncated", ex.Problem);
            Assert.Contains(cut < 32 ? $"has {cut} bytes, fewer than the 32-byte header" : $"only {cut - 32} bytes follow it", ex.Problem);
        }
    }

    [Fact]
    public void Random_garbage_is_reported_as_not_a_trajectory_file()
    {
        var rng = new System.Random(11);
        for (int i = 0; i < 50; i++)
        {
            var garbage = new byte[rng.Next(1, 4000)];
            rng.NextBytes(garbage);
            garbage[0] = (byte)'X'; // random bytes could, in principle, start with 'S'
            var ex = ReadFails(garbage);
            Assert.StartsWith("not a trajectory file: it starts with bytes 58", ex.Problem);
        }
    }

    [Fact]
    public void Wrong_magic_is_reported_with_the_bytes_found_and_expected()
    {
        byte[] file = ValidFile(compress: true);
        file[3] = (byte)'X';
        var ex = ReadFails(file);
        Assert.Equal("not a trajectory file: it starts with bytes 53494D5852414A00, expected the magic 53494D5452414A00 (\"SIMTRAJ\\0\")", ex.Problem);
    }

    [Theory]
    [InlineData(2u, "schema version 2 is not supported: this build reads schema version 1 (the file was written by a newer build)")]
    [InlineData(0u, "schema version 0 is not supported: this build reads schema version 1")]
    [InlineData(4000000000u, "schema version 4000000000 is not supported: this build reads schema version 1 (the file was written by a newer build)")]
    public void An_unknown_schema_version_names_the_version_found_and_those_supported(uint version, string expected)
    {
        byte[] file = ValidFile(compress: false);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), version);
        Assert.Equal(expected, ReadFails(file).Problem);
    }

    [Fact]
    public void A_newer_version_is_refused_even_when_its_header_is_otherwise_valid()
    {
        var payload = RawTrajectoryFile.Payload(RawTrajectoryFile.ValidFields());
        var ex = ReadFails(RawTrajectoryFile.Build(payload, version: 7));
        Assert.StartsWith("schema version 7 is not supported", ex.Problem);
    }

    [Fact]
    public void A_flipped_bit_in_the_header_is_reported_as_a_corrupt_header()
    {
        byte[] file = ValidFile(compress: true);
        file[13] ^= 0x10;
        Assert.Equal("corrupt header: its checksum does not match its contents", ReadFails(file).Problem);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_flipped_bit_in_the_payload_is_reported_by_the_checksum(bool compress)
    {
        byte[] file = ValidFile(compress);
        file[file.Length / 2] ^= 0x01;
        Assert.StartsWith("corrupt payload: its CRC-32 is 0x", ReadFails(file).Problem);
    }

    [Fact]
    public void Bytes_after_the_payload_are_reported()
    {
        byte[] file = [.. ValidFile(compress: false), 1, 2, 3];
        Assert.EndsWith("3 unexpected bytes follow the " + (file.Length - 35) + "-byte payload", ReadFails(file).Problem);
    }

    [Fact]
    public void Unknown_flags_are_reported()
    {
        var file = RawTrajectoryFile.Build(RawTrajectoryFile.Payload(RawTrajectoryFile.ValidFields()), flags: 0x5);
        Assert.Equal("unknown header flags 0x5: this build knows only 0x1 (LZ4 compression)", ReadFails(file).Problem);
    }

    [Theory]
    [InlineData("observations", "observations has 5 values, expected (steps 2 + 1) × observation size 2 = 6")]
    [InlineData("actions", "actions has 1 values, expected steps 2 × action size 1 = 2")]
    [InlineData("rewards", "rewards has 1 values, expected steps 2 = 2")]
    [InlineData("reward_terms", "reward terms has 1 values, expected steps 2 × 1 terms = 2")]
    [InlineData("physics_states", "physics states has 8 values, expected 3 rows (steps 2 + final) × physics state size 3 = 9")]
    public void Inconsistent_array_lengths_name_the_array_and_the_expected_length(string key, string expected)
    {
        var fields = RawTrajectoryFile.ValidFields();
        int index = fields.FindIndex(f => f.Key == key);
        fields[index] = key == "physics_states"
            ? (key, ((double[])fields[index].Value!)[..^1])
            : (key, ((float[])fields[index].Value!)[..^1]);

        var ex = ReadFails(RawTrajectoryFile.Build(RawTrajectoryFile.Payload(fields)));

        Assert.Equal($"trajectory 0 of 1 (env 3, episode 4) is inconsistent: {expected}", ex.Problem);
    }

    [Fact]
    public void End_flags_before_the_last_step_are_reported()
    {
        var fields = RawTrajectoryFile.ValidFields();
        fields[fields.FindIndex(f => f.Key == "truncated")] = ("truncated", new[] { true, false });
        var ex = ReadFails(RawTrajectoryFile.Build(RawTrajectoryFile.Payload(fields)));
        Assert.EndsWith("step 0 of 2 is marked truncated: only the last step may end the episode", ex.Problem);
    }

    [Theory]
    [InlineData("steps", "field 'steps' is a msgpack String, expected an integer")]
    [InlineData("observations", "field 'observations' is a msgpack String, expected binary little-endian float32 data")]
    [InlineData("env_id", "trajectory field 'env_id' is missing")]
    [InlineData("terminated", "trajectory field 'terminated' is missing")]
    public void Wrong_types_and_missing_fields_are_named(string key, string expected)
    {
        var fields = RawTrajectoryFile.ValidFields();
        int index = fields.FindIndex(f => f.Key == key);
        if (expected.EndsWith("missing")) fields.RemoveAt(index);
        else fields[index] = (key, "not a number");

        var ex = ReadFails(RawTrajectoryFile.Build(RawTrajectoryFile.Payload(fields)));

        Assert.Equal($"trajectory 0 of 1 cannot be decoded: {expected}", ex.Problem);
    }

    [Fact]
    public void A_float_array_whose_byte_count_is_not_a_multiple_of_four_is_reported()
    {
        var fields = RawTrajectoryFile.ValidFields();
        fields[fields.FindIndex(f => f.Key == "rewards")] = ("rewards", new byte[] { 0xC4, 0x03, 1, 2, 3 }); // bin 8 of 3 bytes
        var ex = ReadFails(RawTrajectoryFile.Build(RawTrajectoryFile.Payload(fields)));
        Assert.Equal("trajectory 0 of 1 cannot be decoded: field 'rewards' has 3 bytes, not a multiple of 4 (float32)", ex.Problem);
    }

    [Fact]
    public void A_payload_that_is_not_an_array_is_reported()
    {
        var ex = ReadFails(RawTrajectoryFile.Build([0xA3, (byte)'a', (byte)'b', (byte)'c']));
        Assert.Equal("payload cannot be decoded: it is a msgpack String, expected an array of trajectories", ex.Problem);
    }

    [Fact]
    public void Deeply_nested_garbage_is_reported_without_exhausting_the_stack()
    {
        // One million nested one-element arrays: a recursive skip would overflow the stack and kill the process.
        var payload = new byte[1 + 1_000_000];
        payload[0] = 0x91;
        Array.Fill(payload, (byte)0x91, 1, 1_000_000 - 1);
        payload[^1] = 0xC0;
        var ex = ReadFails(RawTrajectoryFile.Build(payload));
        Assert.StartsWith("trajectory 0 of 1 cannot be decoded:", ex.Problem);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Garbage_behind_a_valid_header_never_escapes_as_another_exception(bool compress)
    {
        // Random edits with the checksums recomputed reach the decoder itself. Each read must either succeed
        // (the edit only changed array contents) or throw TrajectoryFileException.
        byte[] valid = ValidFile(compress);
        var rng = new System.Random(compress ? 1 : 2);
        int failures = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] file = (byte[])valid.Clone();
            int edits = rng.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                // Bias towards the start of the payload, where the structure (and LZ4 block headers) live.
                int position = 32 + (rng.Next(2) == 0 ? rng.Next(Math.Min(200, file.Length - 32)) : rng.Next(file.Length - 32));
                file[position] = (byte)rng.Next(256);
            }
            if (rng.Next(4) == 0)
            {
                // Or replace the whole payload with noise.
                rng.NextBytes(file.AsSpan(32));
            }
            RawTrajectoryFile.FixChecksums(file);

            string path = Path.Combine(_dir, "fuzz.traj");
            File.WriteAllBytes(path, file);
            try
            {
                TrajectoryFile.Read(path);
            }
            catch (TrajectoryFileException ex)
            {
                Assert.Equal(path, ex.FilePath);
                failures++;
            }
        }
        Assert.True(failures > 100, $"only {failures} of 300 damaged files were rejected");
    }
}
