using Sim.Learning.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Runs;

/// <summary>Checks checkpoint round trips (module, Adam state, blobs), failure safety, pruning and the errors for damaged checkpoints.</summary>
public sealed class CheckpointStoreTests
{
    [Fact]
    public void Module_parameters_and_buffers_are_restored_exactly()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        var source = Net();
        var optimizer = optim.Adam(source.parameters(), lr: 0.01);
        for (int i = 0; i < 3; i++)
        {
            TrainStep(source, optimizer);
        }
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(1000, new CheckpointContents().AddModule("agent", source));

        var target = Net();
        Assert.NotEqual(Snapshot(source)["0.weight"], Snapshot(target)["0.weight"]);
        store.Latest()!.LoadModule("agent", target);

        var expected = Snapshot(source);
        var actual = Snapshot(target);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        // BatchNorm's running statistics are buffers, not parameters: they must come back too.
        Assert.Contains("1.running_mean", actual.Keys);
        foreach (var (name, bytes) in expected)
        {
            Assert.Equal(bytes, actual[name]);
        }
    }

    [Fact]
    public void After_loading_Adam_state_the_next_step_equals_the_step_without_reload()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        var original = Net();
        var originalAdam = optim.Adam(original.parameters(), lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6);
        for (int i = 0; i < 5; i++)
        {
            TrainStep(original, originalAdam);
        }
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(5, new CheckpointContents().AddModule("agent", original).AddOptimizer("adam", originalAdam));
        TrainStep(original, originalAdam);
        var withoutReload = Snapshot(original);

        // Different initial weights and deliberately different options, all of which the checkpoint overrides.
        var restored = Net();
        var restoredAdam = optim.Adam(restored.parameters(), lr: 0.5, beta1: 0.5, beta2: 0.5, eps: 1e-2);
        Checkpoint checkpoint = store.Latest()!;
        checkpoint.LoadModule("agent", restored);
        checkpoint.LoadOptimizer("adam", restoredAdam);
        TrainStep(restored, restoredAdam);
        var afterReload = Snapshot(restored);

        Assert.Equal(0.01, restoredAdam.ParamGroups.Single().LearningRate);
        foreach (var (name, bytes) in withoutReload)
        {
            Assert.Equal(bytes, afterReload[name]);
        }

        // The optimizer state matters: a fresh Adam on the restored weights takes a different step.
        var fresh = Net();
        var freshAdam = optim.Adam(fresh.parameters(), lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6);
        checkpoint.LoadModule("agent", fresh);
        TrainStep(fresh, freshAdam);
        Assert.NotEqual(withoutReload["0.weight"], Snapshot(fresh)["0.weight"]);
    }

    [Fact]
    public void Byte_json_and_stream_parts_round_trip()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"));
        byte[] rng = [1, 2, 3, 250, 0, 7];
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.Length; i++)
        {
            big[i] = (byte)(i * 31 + (i >> 8));
        }
        var counters = new TrainerCounters(123_456_789_012, 42, [0.5, -1.25]);

        store.Save(77, new CheckpointContents()
            .AddBytes("rng", rng)
            .AddJson("counters", counters)
            .AddStream("replay", stream =>
            {
                // Writers may seek, e.g. to fill in a header after the body.
                stream.Write(new byte[8]);
                stream.Write(big);
                stream.Position = 0;
                stream.Write(BitConverter.GetBytes((long)big.Length));
            }));

        Checkpoint checkpoint = store.Open(77);
        Assert.Equal(77, checkpoint.Step);
        Assert.Equal(["rng", "counters", "replay"], checkpoint.PartNames);
        Assert.Equal(rng, checkpoint.ReadBytes("rng"));
        var loaded = checkpoint.ReadJson<TrainerCounters>("counters");
        Assert.Equal(counters.GlobalStep, loaded.GlobalStep);
        Assert.Equal(counters.Iteration, loaded.Iteration);
        Assert.Equal(counters.Scales, loaded.Scales);
        using Stream replay = checkpoint.OpenRead("replay");
        var reader = new BinaryReader(replay);
        Assert.Equal(big.Length, reader.ReadInt64());
        Assert.Equal(big, reader.ReadBytes(big.Length + 1));
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_previous_checkpoint_latest_and_loadable()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        var store = new CheckpointStore(temp.File("checkpoints"));
        var model = Net();
        var saved = Snapshot(model);
        store.Save(100, new CheckpointContents().AddModule("agent", model).AddBytes("note", "first"u8));

        TrainStep(model, optim.Adam(model.parameters(), lr: 0.1));
        var failing = new CheckpointContents()
            .AddModule("agent", model)
            .AddStream("replay", stream =>
            {
                stream.Write(new byte[4096]);
                throw new IOException("simulated: no space left on device");
            })
            .AddBytes("note", "second"u8);
        var error = Assert.Throws<IOException>(() => store.Save(200, failing));
        Assert.Contains("simulated", error.Message);

        Assert.Equal([100L], store.Steps());
        Checkpoint latest = store.Latest()!;
        Assert.Equal(100, latest.Step);
        Assert.Equal("first"u8.ToArray(), latest.ReadBytes("note"));
        var reloaded = Net();
        latest.LoadModule("agent", reloaded);
        foreach (var (name, bytes) in saved)
        {
            Assert.Equal(bytes, Snapshot(reloaded)[name]);
        }
        Assert.Equal("step_000000000100\n", File.ReadAllText(Path.Combine(store.Directory, "latest")));
        Assert.Equal(["step_000000000100"], Directory.GetDirectories(store.Directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_save_killed_before_its_rename_is_ignored_and_cleaned_up_by_the_next_save()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(100, new CheckpointContents().AddBytes("note", "first"u8));
        // What a process killed mid-save leaves: a hidden temporary folder with some of the parts and no manifest.
        string leftover = Path.Combine(store.Directory, ".step_000000000200.0123456789abcdef.tmp");
        Directory.CreateDirectory(leftover);
        File.WriteAllBytes(Path.Combine(leftover, "note.bin"), [1, 2]);
        // And a step_ folder without a manifest (e.g. copied by hand, half done) is not a checkpoint either.
        Directory.CreateDirectory(store.PathOf(300));

        Assert.Equal(100, store.Latest()!.Step);

        store.Save(400, new CheckpointContents().AddBytes("note", "fourth"u8));
        Assert.False(Directory.Exists(leftover));
        Assert.Equal([100L, 400L], store.Steps());
    }

    [Fact]
    public void Only_the_last_KeepLast_checkpoints_are_kept()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"), keepLast: 2);
        foreach (long step in new long[] { 10, 20, 30, 40 })
        {
            store.Save(step, new CheckpointContents().AddBytes("step", BitConverter.GetBytes(step)));
        }

        Assert.Equal([30L, 40L], store.Steps());
        Assert.Equal(40, BitConverter.ToInt64(store.Latest()!.ReadBytes("step")));
        Assert.Equal("step_000000000040\n", File.ReadAllText(Path.Combine(store.Directory, "latest")));
        Assert.Equal(2, Directory.GetDirectories(store.Directory).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointStore(store.Directory, keepLast: 0));
    }

    [Fact]
    public void Saving_an_existing_step_again_replaces_it()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(5, new CheckpointContents().AddBytes("note", "old"u8).AddBytes("extra", [9]));
        store.Save(5, new CheckpointContents().AddBytes("note", "new"u8));

        Checkpoint checkpoint = store.Latest()!;
        Assert.Equal("new"u8.ToArray(), checkpoint.ReadBytes("note"));
        Assert.Equal(["note"], checkpoint.PartNames);
        Assert.Single(Directory.GetDirectories(store.Directory));
    }

    [Fact]
    public void An_empty_or_missing_store_has_no_latest_and_a_missing_step_lists_the_others()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"));
        Assert.Null(store.Latest());
        Assert.Empty(store.Steps());

        store.Save(10, new CheckpointContents().AddBytes("a", [1]));
        store.Save(20, new CheckpointContents().AddBytes("a", [2]));
        var error = Assert.Throws<DirectoryNotFoundException>(() => store.Open(15));
        Assert.Contains(store.PathOf(15), error.Message);
        Assert.Contains("10, 20", error.Message);
    }

    [Fact]
    public void A_flipped_byte_in_a_part_is_reported_as_corrupt_with_path_and_part()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(1, new CheckpointContents().AddModule("agent", Net()).AddBytes("rng", [1, 2, 3]));
        string file = Path.Combine(store.PathOf(1), "agent.bin");
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(file, bytes);

        Checkpoint checkpoint = store.Open(1);
        var error = Assert.Throws<InvalidDataException>(() => checkpoint.LoadModule("agent", Net()));
        Assert.Contains(store.PathOf(1), error.Message);
        Assert.Contains("\"agent\"", error.Message);
        Assert.Contains("corrupt", error.Message);
        // Undamaged parts still load.
        Assert.Equal([1, 2, 3], checkpoint.ReadBytes("rng"));
    }

    [Fact]
    public void A_truncated_part_or_missing_manifest_fails_on_open()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(1, new CheckpointContents().AddBytes("rng", new byte[100]));
        string path = store.PathOf(1);
        File.WriteAllBytes(Path.Combine(path, "rng.bin"), new byte[60]);

        var truncated = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(path));
        Assert.Contains(path, truncated.Message);
        Assert.Contains("60 bytes, expected 100", truncated.Message);

        File.WriteAllText(Path.Combine(path, "manifest.json"), "{\"Format\": 1, \"Step\": ");
        var corrupt = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(path));
        Assert.Contains("corrupt manifest.json", corrupt.Message);

        File.Delete(Path.Combine(path, "manifest.json"));
        var missing = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(path));
        Assert.Contains(path, missing.Message);
        Assert.Contains("no manifest.json", missing.Message);
    }

    [Fact]
    public void A_manifest_part_naming_a_file_outside_the_checkpoint_is_corrupt()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.File("checkpoints"));
        store.Save(1, new CheckpointContents().AddBytes("rng", [1, 2, 3]));
        string path = store.PathOf(1);
        // A file of the listed length and hash one folder up: without the name check, Open and ReadBytes would use it.
        File.WriteAllBytes(Path.Combine(store.Directory, "outside.bin"), [1, 2, 3]);
        string manifest = Path.Combine(path, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"rng.bin\"", "\"../outside.bin\"").Replace("\"rng\"", "\"../outside\""));

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Open(path));
        Assert.Contains("corrupt manifest.json", error.Message);
        Assert.Contains("\"../outside\" has '/' at index 2", error.Message);
    }

    [Fact]
    public void Loading_a_part_into_the_wrong_kind_or_shape_of_object_is_explained()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        var store = new CheckpointStore(temp.File("checkpoints"));
        var model = Net();
        store.Save(1, new CheckpointContents().AddModule("agent", model).AddOptimizer("adam", optim.Adam(model.parameters())));
        Checkpoint checkpoint = store.Latest()!;

        var wrongKind = Assert.Throws<InvalidDataException>(() => checkpoint.LoadModule("adam", Net()));
        Assert.Contains("Optimizer part, not a Module part", wrongKind.Message);

        var wider = nn.Sequential(("0", nn.Linear(3, 5)), ("1", nn.BatchNorm1d(5)), ("2", nn.Tanh()), ("3", nn.Linear(5, 2)));
        var wrongShape = Assert.Throws<InvalidDataException>(() => checkpoint.LoadModule("agent", wider));
        Assert.Contains("does not fit", wrongShape.Message);

        var missing = Assert.Throws<KeyNotFoundException>(() => checkpoint.ReadBytes("critic"));
        Assert.Contains("\"agent\", \"adam\"", missing.Message);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("manifest")]
    [InlineData("")]
    public void Part_names_must_be_plain_file_names(string name)
    {
        Assert.Throws<ArgumentException>(() => new CheckpointContents().AddBytes(name, [1]));
    }

    [Fact]
    public void Part_names_must_be_unique_ignoring_case()
    {
        var contents = new CheckpointContents().AddBytes("Actor", [1]);
        Assert.Throws<ArgumentException>(() => contents.AddBytes("actor", [2]));
    }

    /// <summary>Trainer state of the kind stored as JSON next to the tensors.</summary>
    public sealed record TrainerCounters(long GlobalStep, int Iteration, double[] Scales);

    private static Sequential Net() =>
        nn.Sequential(("0", nn.Linear(3, 4)), ("1", nn.BatchNorm1d(4)), ("2", nn.Tanh()), ("3", nn.Linear(4, 2)));

    private static void TrainStep(Sequential model, OptimizerHelper optimizer)
    {
        using var scope = NewDisposeScope();
        // A fixed batch (no random numbers), so that two models in the same state take the same step.
        float[] xs = Enumerable.Range(0, 8 * 3).Select(i => MathF.Sin(i * 0.7f)).ToArray();
        float[] ys = Enumerable.Range(0, 8 * 2).Select(i => MathF.Cos(i * 0.3f)).ToArray();
        Tensor x = tensor(xs, [8, 3]);
        Tensor y = tensor(ys, [8, 2]);
        optimizer.zero_grad();
        Tensor loss = (model.call(x) - y).pow(2).mean();
        loss.backward();
        optimizer.step();
    }

    // The raw bytes of every parameter and buffer, so that comparisons are bitwise.
    private static Dictionary<string, byte[]> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous().bytes.ToArray());
}
