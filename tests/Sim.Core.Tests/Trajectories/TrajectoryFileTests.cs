using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Sim.Core.Trajectories;

namespace Sim.Core.Tests.Trajectories;

public sealed class TrajectoryFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("sim-trajectory-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Round_trip_preserves_every_field_and_every_bit(bool compress)
    {
        var trajectories = TrajectoryTestData.Varied();
        string path = PathOf("varied.traj");

        TrajectoryFile.Write(path, trajectories, compress);
        var read = TrajectoryFile.Read(path);

        Assert.Equal(trajectories.Count, read.Count);
        for (int i = 0; i < trajectories.Count; i++) TrajectoryTestData.AssertIdentical(trajectories[i], read[i]);
    }

    [Fact]
    public void Round_trip_of_an_empty_list_gives_an_empty_list()
    {
        string path = PathOf("empty.traj");
        TrajectoryFile.Write(path, []);
        Assert.Empty(TrajectoryFile.Read(path));
    }

    [Fact]
    public void Compression_makes_repetitive_data_smaller()
    {
        var t = TrajectoryTestData.Make(9, steps: 2000, observationSize: 10, actionSize: 3, terms: 0, physicsSize: 0, hasFinalPhysics: false);
        Array.Fill(t.Observations, 1.25f);
        TrajectoryFile.Write(PathOf("plain.traj"), [t], compress: false);
        TrajectoryFile.Write(PathOf("lz4.traj"), [t], compress: true);

        long plain = new FileInfo(PathOf("plain.traj")).Length;
        long lz4 = new FileInfo(PathOf("lz4.traj")).Length;
        // 20010 identical floats are most of the plain payload (80 kB); LZ4 reduces such a run to a few bytes.
        Assert.True(lz4 < plain - 70_000, $"compressed {lz4} bytes, plain {plain} bytes");
        TrajectoryTestData.AssertIdentical(t, TrajectoryFile.Read(PathOf("lz4.traj"))[0]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Header_follows_the_documented_layout(bool compress)
    {
        string path = PathOf("layout.traj");
        TrajectoryFile.Write(path, TrajectoryTestData.Varied().Take(2).ToList(), compress);
        byte[] file = File.ReadAllBytes(path);

        Assert.Equal("SIMTRAJ\0", Encoding.ASCII.GetString(file, 0, 8));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));
        Assert.Equal(compress ? 1u : 0u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)));
        Assert.Equal(file.Length - 32L, BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(16)));
        Assert.Equal(RawTrajectoryFile.Crc32(file.AsSpan(32)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(24)));
        Assert.Equal(RawTrajectoryFile.Crc32(file.AsSpan(0, 28)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(28)));
        Assert.Equal(TrajectoryFile.CurrentSchemaVersion, 1u);
    }

    [Fact]
    public void The_test_checksum_matches_the_published_crc32_check_value()
    {
        // The standard check value of CRC-32/ISO-HDLC over the ASCII digits 1..9.
        Assert.Equal(0xCBF43926u, RawTrajectoryFile.Crc32("123456789"u8));
    }

    [Fact]
    public void A_file_written_by_hand_from_the_documented_schema_is_read_field_by_field()
    {
        string path = PathOf("raw.traj");
        File.WriteAllBytes(path, RawTrajectoryFile.Build(RawTrajectoryFile.Payload(RawTrajectoryFile.ValidFields())));

        var t = Assert.Single(TrajectoryFile.Read(path));

        Assert.Equal("Raw-v0", t.EnvId);
        Assert.Equal(3, t.EnvIndex);
        Assert.Equal(1003UL, t.Seed);
        Assert.Equal(4, t.EpisodeIndex);
        Assert.Equal(2, t.Steps);
        Assert.Equal(["reward_forward"], t.RewardTermNames);
        Assert.Equal([4f, 5f], t.Observation(2).ToArray());
        Assert.Equal(-0.5f, t.Action(1)[0]);
        Assert.Equal(4.0, t.Return);
        Assert.True(t.IsTerminated);
        Assert.False(t.IsTruncated);
        Assert.Equal(3, t.PhysicsStateRows);
        Assert.Equal([1.5, 1.75, 2.0], t.PhysicsState(2).ToArray());
    }

    [Fact]
    public void Env_arguments_written_by_hand_as_a_map_of_strings_are_read()
    {
        var fields = RawTrajectoryFile.ValidFields();
        // {"frame_skip": "2", "xml_file": "a.xml"} in msgpack: fixmap of 2, fixstr keys and values.
        var map = new List<byte> { 0x82, 0xA0 | 10 };
        map.AddRange(Encoding.ASCII.GetBytes("frame_skip"));
        map.AddRange([0xA1, (byte)'2', 0xA0 | 8]);
        map.AddRange(Encoding.ASCII.GetBytes("xml_file"));
        map.Add(0xA0 | 5);
        map.AddRange(Encoding.ASCII.GetBytes("a.xml"));
        fields.Add(("env_args", map.ToArray()));
        string path = PathOf("args.traj");
        File.WriteAllBytes(path, RawTrajectoryFile.Build(RawTrajectoryFile.Payload(fields)));

        var t = Assert.Single(TrajectoryFile.Read(path));
        Assert.Equal(new Dictionary<string, string> { ["frame_skip"] = "2", ["xml_file"] = "a.xml" }, t.EnvArgs);
    }

    [Fact]
    public void Env_arguments_that_are_not_a_map_of_strings_are_a_clear_error()
    {
        var fields = RawTrajectoryFile.ValidFields();
        fields.Add(("env_args", new byte[] { 0x81, 0xA1, (byte)'k', 0x07 })); // {"k": 7}
        string path = PathOf("bad-args.traj");
        File.WriteAllBytes(path, RawTrajectoryFile.Build(RawTrajectoryFile.Payload(fields)));

        var e = Assert.Throws<TrajectoryFileException>(() => TrajectoryFile.Read(path));
        Assert.Contains("env_args", e.Message);
        Assert.Contains("a string", e.Message);
    }

    [Fact]
    public void Env_arguments_round_trip_and_a_trajectory_without_them_writes_no_such_field()
    {
        var plain = TrajectoryTestData.Make(4, steps: 3, observationSize: 2, actionSize: 1, terms: 0, physicsSize: 0, hasFinalPhysics: false);
        var withArgs = new Trajectory
        {
            EnvId = plain.EnvId, ObservationSize = plain.ObservationSize, ActionSize = plain.ActionSize, Steps = plain.Steps,
            Observations = plain.Observations, Actions = plain.Actions, Rewards = plain.Rewards,
            Terminated = plain.Terminated, Truncated = plain.Truncated,
            EnvArgs = new SortedDictionary<string, string> { ["default_camera_config"] = "{\"distance\": 4}", ["frame_skip"] = "2" },
        };
        string argsPath = PathOf("with-args.traj"), plainPath = PathOf("plain.traj");
        TrajectoryFile.Write(argsPath, [withArgs], compress: false);
        TrajectoryFile.Write(plainPath, [plain], compress: false);

        Assert.Equal(withArgs.EnvArgs, Assert.Single(TrajectoryFile.Read(argsPath)).EnvArgs);
        Assert.Empty(Assert.Single(TrajectoryFile.Read(plainPath)).EnvArgs);
        Assert.Contains("env_args", Encoding.UTF8.GetString(File.ReadAllBytes(argsPath)));
        Assert.DoesNotContain("env_args", Encoding.UTF8.GetString(File.ReadAllBytes(plainPath)));
    }

    [Fact]
    public void Unknown_fields_are_skipped_so_later_writers_can_add_optional_ones()
    {
        var fields = RawTrajectoryFile.ValidFields();
        // A nested map and array in an unknown field, placed in the middle of the known ones.
        fields.Insert(5, ("camera", new byte[] { 0x82, 0xA1, (byte)'a', 0x92, 0x01, 0x02, 0xA1, (byte)'b', 0xC0 }));
        string path = PathOf("extra.traj");
        File.WriteAllBytes(path, RawTrajectoryFile.Build(RawTrajectoryFile.Payload(fields)));

        var t = Assert.Single(TrajectoryFile.Read(path));
        Assert.Equal(2, t.ObservationSize);
        Assert.Equal(2, t.Steps);
    }

    [Fact]
    public void Write_refuses_an_inconsistent_trajectory_and_names_the_field()
    {
        var good = TrajectoryTestData.Make(1, steps: 4, observationSize: 3, actionSize: 2, terms: 1, physicsSize: 0, hasFinalPhysics: false);
        var bad = new Trajectory
        {
            EnvId = good.EnvId, ObservationSize = 3, ActionSize = 2, Steps = 4, RewardTermNames = good.RewardTermNames,
            Observations = new float[12], Actions = good.Actions, Rewards = good.Rewards, RewardTerms = good.RewardTerms,
            Terminated = good.Terminated, Truncated = good.Truncated,
        };

        var ex = Assert.Throws<ArgumentException>(() => TrajectoryFile.Write(PathOf("bad.traj"), [good, bad]));

        Assert.Contains("trajectories[1]", ex.Message);
        Assert.Contains("observations has 12 values, expected (steps 4 + 1) × observation size 3 = 15", ex.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Writing_over_an_existing_file_replaces_it_and_leaves_no_temporary_file()
    {
        string path = PathOf("run.traj");
        File.WriteAllText(path, "previous contents");

        var trajectories = TrajectoryTestData.Varied().Take(3).ToList();
        TrajectoryFile.Write(path, trajectories);

        Assert.Equal([path], Directory.GetFiles(_dir));
        var read = TrajectoryFile.Read(path);
        for (int i = 0; i < trajectories.Count; i++) TrajectoryTestData.AssertIdentical(trajectories[i], read[i]);
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_the_old_file_intact_and_no_temporary_file()
    {
        string path = PathOf("run.traj");
        var old = TrajectoryTestData.Varied();
        TrajectoryFile.Write(path, old);
        byte[] before = File.ReadAllBytes(path);

        // The list yields two large trajectories, which are serialized and written to disk, then fails.
        var failing = new FailingList(TrajectoryTestData.Varied()[4], failAt: 2, count: 4);
        var ex = Assert.Throws<IOException>(() => TrajectoryFile.Write(path, failing));

        Assert.Equal("simulated failure reading trajectory 2", ex.Message);
        Assert.Equal(2, failing.ItemsServed);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
        Assert.Equal(old.Count, TrajectoryFile.Read(path).Count);
    }

    [Fact]
    public void A_write_that_finds_an_invalid_trajectory_late_leaves_the_old_file_intact()
    {
        string path = PathOf("run.traj");
        File.WriteAllText(path, "previous contents");
        var list = TrajectoryTestData.Varied();
        list.Add(new Trajectory
        {
            EnvId = "Bad-v0", ObservationSize = 2, ActionSize = 1, Steps = 2,
            Observations = new float[6], Actions = new float[2], Rewards = new float[2],
            Terminated = [true, false], Truncated = [false, false],
        });

        var ex = Assert.Throws<ArgumentException>(() => TrajectoryFile.Write(path, list));

        Assert.Contains("step 0 of 2 is marked terminated: only the last step may end the episode", ex.Message);
        Assert.Equal("previous contents", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_failed_write_to_a_new_path_creates_no_file()
    {
        string path = PathOf("new.traj");
        Assert.Throws<IOException>(() => TrajectoryFile.Write(path, new FailingList(TrajectoryTestData.Varied()[0], failAt: 1, count: 3)));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    /// <summary>A list that serves copies of one trajectory and throws when item <c>failAt</c> is requested.</summary>
    sealed class FailingList(Trajectory item, int failAt, int count) : IReadOnlyList<Trajectory>
    {
        public int ItemsServed { get; private set; }

        public int Count => count;

        public Trajectory this[int index]
        {
            get
            {
                if (index == failAt) throw new IOException($"simulated failure reading trajectory {index}");
                ItemsServed++;
                return item;
            }
        }

        public IEnumerator<Trajectory> GetEnumerator()
        {
            for (int i = 0; i < count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
