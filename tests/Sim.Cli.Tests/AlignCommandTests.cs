using System.Text.Json;

namespace Sim.Cli.Tests;

/// <summary><c>sim align</c>: sampling from a trained run is reproducible and prints TRL JSON lines, a reward run writes
/// its model, and bad input (datasets, contexts, another run's tokenizer) ends in one line naming it, changing nothing.</summary>
public sealed class AlignCommandTests(AlignWorkspace workspace) : IClassFixture<AlignWorkspace>
{
    string Model => Path.Combine(workspace.Run, "model.bin");

    [Fact]
    public void Sampling_prints_one_json_line_per_completion_and_the_same_seed_prints_the_same_with_or_without_the_cache()
    {
        string[] args = ["align", "sample", "--model", Model, "--prompt", "review: the robot is happy.", "--prompt", "review: the robot is sad.",
            "--n", "2", "--seed", "3", "--max-new-tokens", "6"];
        var first = SimCli.Run(workspace.WorkingDirectory, args);
        first.AssertSucceeded();
        var lines = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        var prompts = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("prompt").GetString()!).ToArray();
        Assert.Equal(["review: the robot is happy.", "review: the robot is happy.", "review: the robot is sad.", "review: the robot is sad."], prompts);
        Assert.All(lines, l => Assert.Equal(JsonValueKind.String, JsonDocument.Parse(l).RootElement.GetProperty("completion").ValueKind));

        var again = SimCli.Run(workspace.WorkingDirectory, [.. args, "--no-kv-cache"]);
        again.AssertSucceeded();
        Assert.Equal(first.Stdout, again.Stdout);
    }

    [Fact]
    public void A_reward_run_writes_the_reward_model_config_and_metrics()
    {
        var result = SimCli.Run(workspace.WorkingDirectory, ["align", "reward", "--data", "prefs.jsonl", "--eval", "prefs.jsonl", "--runs", "reward-runs",
            "--members", "2", "--aggregation", "worst-case", "--member-sampling", "bootstrap", .. AlignWorkspace.TinyModel]);
        result.AssertSucceeded();
        string run = Assert.Single(Directory.GetDirectories(Path.Combine(workspace.WorkingDirectory, "reward-runs")));
        foreach (var file in new[] { "reward_model.bin", "tokenizer.json", "config.json", "metrics.csv", "curve.png" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing in {run}");
        string metrics = File.ReadAllText(Path.Combine(run, "metrics.csv"));
        Assert.Contains("reward/accuracy", metrics);
        Assert.Contains("eval/accuracy", metrics);
        string config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"WorstCase\"", config);
        Assert.Contains("\"Bootstrap\"", config);
    }

    [Fact]
    public void Member_shapes_are_taken_in_turn_by_the_members_and_recorded_in_config_json()
    {
        var result = SimCli.Run(workspace.WorkingDirectory, ["align", "reward", "--data", "prefs.jsonl", "--runs", "mixed-runs",
            "--members", "3", "--member-shapes", "8x2x2", "24x1", .. AlignWorkspace.TinyModel]);
        result.AssertSucceeded();
        string run = Assert.Single(Directory.GetDirectories(Path.Combine(workspace.WorkingDirectory, "mixed-runs")));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        var shapes = config.RootElement.GetProperty("MemberModels").EnumerateArray()
            .Select(m => (m.GetProperty("Width").GetInt32(), m.GetProperty("Layers").GetInt32(), m.GetProperty("Heads").GetInt32(), m.GetProperty("ContextLength").GetInt32()))
            .ToArray();
        // The third member starts the list again; heads default to --heads, the context is --context's.
        Assert.Equal([(8, 2, 2, 32), (24, 1, 2, 32), (8, 2, 2, 32)], shapes);
    }

    [Fact]
    public void Members_start_from_the_sft_models_given_one_each_and_the_run_records_them()
    {
        string model = Path.Combine(workspace.Run, "model.bin");
        var result = SimCli.Run(workspace.WorkingDirectory, ["align", "reward", "--data", "prefs.jsonl", "--runs", "pretrained-runs",
            "--members", "2", "--member-init-from", model, model, "--epochs", "1", "--batch-size", "16"]);
        result.AssertSucceeded();
        string run = Assert.Single(Directory.GetDirectories(Path.Combine(workspace.WorkingDirectory, "pretrained-runs")));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        var starts = config.RootElement.GetProperty("MemberInitFrom").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal([Path.GetFullPath(Path.Combine(workspace.WorkingDirectory, model)), Path.GetFullPath(Path.Combine(workspace.WorkingDirectory, model))], starts);
        // The run uses the SFT run's tokenizer, as --init-from does.
        Assert.Equal(File.ReadAllText(Path.Combine(workspace.WorkingDirectory, workspace.Run, "tokenizer.json")), File.ReadAllText(Path.Combine(run, "tokenizer.json")));
    }

    [Fact]
    public void Studies_run_apart_merge_into_what_one_run_over_both_seeds_writes()
    {
        string[] tiny = ["--pairs", "24", "--members", "2", "--epochs", "1", "--prompts", "1", "--samples", "2", "--max-n", "2"];
        SimCli.Run(workspace.WorkingDirectory, ["align", "best-of-n", "--out", "bon-both", "--seeds", "1", "2", .. tiny]).AssertSucceeded();
        SimCli.Run(workspace.WorkingDirectory, ["align", "best-of-n", "--out", "bon-1", "--seeds", "1", .. tiny]).AssertSucceeded();
        SimCli.Run(workspace.WorkingDirectory, ["align", "best-of-n", "--out", "bon-2", "--seeds", "2", .. tiny]).AssertSucceeded();
        var merged = SimCli.Run(workspace.WorkingDirectory, ["align", "best-of-n", "--out", "bon-merged", "--merge", "bon-1", "bon-2"]);
        merged.AssertSucceeded();
        Assert.Contains("merged2studies:seeds12", merged.FlatStdout);

        JsonElement Mean(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace.WorkingDirectory, folder, "overoptimization.json"))).RootElement.GetProperty("mean");
        Assert.Equal(Mean("bon-both").GetRawText(), Mean("bon-merged").GetRawText());
        foreach (string figure in new[] { "overoptimization.png", "overoptimization_seed1.png", "overoptimization_seed2.png" })
            Assert.True(File.Exists(Path.Combine(workspace.WorkingDirectory, "bon-merged", figure)), $"{figure} missing");
    }

    /// <summary>Row name, arguments, fragments the message must hold.</summary>
    public static TheoryData<string, string[], string[]> Rows() => new()
    {
        { "malformed JSONL line", ["align", "sft", "--data", "malformed.jsonl", "--runs", "new-runs"], ["malformed.jsonl", "line 2", "not valid JSON"] },
        { "empty completion", ["align", "sft", "--data", "empty-completion.jsonl", "--runs", "new-runs"], ["empty-completion.jsonl", "line 1", "\"completion\" is empty"] },
        { "missing field", ["align", "reward", "--data", "missing-field.jsonl", "--runs", "new-runs"], ["missing-field.jsonl", "line 1", "field \"rejected\" is missing"] },
        { "DPO pair longer than the SFT model's context", ["align", "dpo", "--train", "long-prefs.jsonl", "--sft", "RUN", "--runs", "new-runs"], ["long-prefs.jsonl", "line 1 (chosen)", "longer than the context of 32"] },
        { "KTO example longer than the SFT model's context", ["align", "kto", "--train", "kto.jsonl", "--sft", "RUN", "--runs", "new-runs"], ["kto.jsonl", "line 2", "longer than the context of 32"] },
        { "empty dataset", ["align", "sft", "--data", "empty.jsonl", "--runs", "new-runs"], ["empty.jsonl", "has no examples"] },
        { "example longer than the context", ["align", "sft", "--data", "sft.jsonl", "--runs", "new-runs", "--context", "8"], ["sft.jsonl", "line 1", "longer than the context of 8"] },
        { "prompt longer than the context", ["align", "sample", "--model", "MODEL", "--prompt", string.Concat(Enumerable.Repeat("robot arm ", 30))], ["prompt 1", "longer than the model's context of 32"] },
        { "tokenizer from another run", ["align", "sample", "--model", "MODEL", "--tokenizer", "OTHER_TOKENIZER", "--prompt", "review:"], ["trained with tokenizer", "another run's"] },
        { "resume with --data", ["align", "sft", "--resume", "RUN", "--data", "sft.jsonl"], ["--data with --resume", "config.json"] },
        { "no --data", ["align", "sft", "--runs", "new-runs"], ["--data is missing"] },
        { "unknown aggregation", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--aggregation", "median"], ["--aggregation 'median'", "mean, worst-case or uncertainty"] },
        { "top-p out of range", ["align", "sample", "--model", "MODEL", "--prompt", "x", "--top-p", "0"], ["--top-p", "TopP = 0", "(0, 1]"] },
        { "model file missing", ["align", "sample", "--model", "nowhere/model.bin", "--prompt", "x"], ["nowhere", "tokenizer.json"] },
        { "odd GPM embedding width", ["align", "gpm", "--out", "gpm-study", "--dimensions", "3"], ["--dimensions = 3", "even embedding width ≥ 2"] },
        { "best-of-n seed given twice", ["align", "best-of-n", "--out", "bon-study", "--seeds", "1", "1"], ["--seeds = 1 1", "each seed once"] },
        { "best-of-n unknown member sampling", ["align", "best-of-n", "--out", "bon-study", "--member-sampling", "jackknife"], ["--member-sampling 'jackknife'", "shuffle or bootstrap"] },
        { "reward model unknown member sampling", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--members", "3", "--member-sampling", "half"], ["--member-sampling 'half'", "shuffle or bootstrap"] },
        { "member shape without layers", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--members", "2", "--member-shapes", "32"], ["--member-shapes '32'", "WIDTHxLAYERS"] },
        { "member shape that does not split into heads", ["align", "best-of-n", "--out", "bon-study", "--member-shapes", "30x2x4"], ["--member-shapes '30x2x4'", "Width = 30 with 4 heads"] },
        { "member shapes with an SFT start", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--members", "2", "--member-shapes", "16x1", "--init-from", "RUN/model.bin"], ["--member-shapes and --init-from", "take those models' shapes"] },
        { "fewer member starts than members", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--members", "3", "--member-init-from", "RUN/model.bin", "RUN/model.bin"], ["--member-init-from names 2 models", "one per member (--members 3)"] },
        { "member start from another run's tokenizer", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--members", "2", "--member-init-from", "RUN/model.bin", "OTHER/model.bin"], ["trained with tokenizer", "another run's"] },
        { "member start that does not exist", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--members", "1", "--member-init-from", "nowhere/model.bin"], ["--member-init-from", "nowhere", "does not exist"] },
        { "unknown member start", ["align", "best-of-n", "--out", "bon-study", "--member-start", "warm"], ["--member-start 'warm'", "fresh, sft or sft-per-member"] },
        { "shared SFT start with member shapes", ["align", "best-of-n", "--out", "bon-study", "--member-start", "sft", "--member-shapes", "32x2"], ["Start = SharedSft with MemberModels", "share its shape"] },
        { "merging a folder without a study", ["align", "best-of-n", "--out", "bon-study", "--merge", "nowhere"], ["nowhere", "overoptimization.json", "does not exist"] },
        { "merging with study options", ["align", "best-of-n", "--out", "bon-study", "--merge", "nowhere", "--pairs", "50"], ["--pairs with --merge", "keep the options they were run with"] },
        { "best-of-n base policy without clauses", ["align", "best-of-n", "--out", "bon-study", "--max-clauses", "0"], ["BaseMaxClauses = 0", "at least 1"] },
        { "centring coefficient below zero", ["align", "reward", "--data", "prefs.jsonl", "--runs", "new-runs", "--center-rewards-coefficient", "-1"], ["--center-rewards-coefficient = -1", "finite coefficient ≥ 0"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Bad_input_ends_in_one_line_naming_it_and_changes_nothing(string row, string[] args, string[] fragments)
    {
        var resolved = args.Select(a => a switch
        {
            "MODEL" => Model,
            "RUN" => workspace.Run,
            "RUN/model.bin" => Path.Combine(workspace.Run, "model.bin"),
            "OTHER/model.bin" => Path.Combine(workspace.OtherRun, "model.bin"),
            "OTHER_TOKENIZER" => Path.Combine(workspace.OtherRun, "tokenizer.json"),
            _ => a,
        }).ToArray();
        var before = FolderSnapshot.Take(workspace.WorkingDirectory);
        var result = SimCli.Run(workspace.WorkingDirectory, resolved);
        result.AssertBadInput(fragments);
        Assert.DoesNotContain("internal error", result.Stderr);
        FolderSnapshot.AssertUnchanged(before, FolderSnapshot.Take(workspace.WorkingDirectory), $"{row}\n{result.Describe()}");
    }
}
