using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sim.Labeling.Tests;

/// <summary><c>sim reward train</c> on a synthetic label store: segments whose true step reward is their first observation
/// value, answered by the oracle rule (the larger true return). Trained offline, the model must predict held-out answers
/// far above chance, and the file it writes must load where a run's reward model is loaded: the labeling page's
/// agreement with a labeler.</summary>
public sealed partial class RewardTrainTests
{
    const int Pairs = 240;
    const int Length = 10;
    const int ObservationSize = 3;
    const int ActionSize = 2;

    [Fact]
    public async Task Oracle_labels_train_a_model_that_predicts_held_out_answers_and_loads_on_the_labeling_page()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("synthetic.jsonl"), SyntheticExport(seed: 7));
        SimCli.Run(folder.Path, "labels", "import", "--in", "synthetic.jsonl", "--labels", "labels.db").AssertSucceeded();

        var trained = SimCli.Run(folder.Path, "reward", "train", "--labels", "labels.db", "--out", "reward_model.bin", "--epochs", "50", "--seed", "3");
        trained.AssertSucceeded();
        var match = HeldOutLine().Match(trained.Stdout);
        Assert.True(match.Success, trained.Describe());
        double accuracy = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int heldOut = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        // 20% of 240 pairs; chance is 0.5, a sum of the first observation is learnable almost exactly.
        Assert.Equal(48, heldOut);
        Assert.True(accuracy > 0.85, $"held-out accuracy {accuracy}: expected well above chance\n{trained.Describe()}");

        // The page measures the model beside the store against the labeler's own answers: the oracle's, so it agrees.
        using var server = LabelingServer.Start(folder.Path, 1, null, "label", "--labels", "labels.db", "--port", "0", "--new-labeler", "oracle", "--clip-size", LabelingWorkspace.ClipSize);
        using var api = new LabelingApi(server.Url);
        var next = await api.Next(server.Tokens["oracle"]);
        Assert.Equal(JsonValueKind.Number, next.GetProperty("agreement").ValueKind);
        Assert.Equal(Pairs, next.GetProperty("agreementCount").GetInt32() + 40); // the newest 200 answers
        Assert.True(next.GetProperty("agreement").GetDouble() > 0.85, server.Output);
    }

    [Fact]
    public void A_store_without_answers_is_refused_and_nothing_is_written()
    {
        using var folder = new TempDirectory();
        string export = SyntheticExport(seed: 2);
        File.WriteAllText(folder.File("unanswered.jsonl"), string.Join('\n', export.Split('\n').Where(l => !l.StartsWith("{\"type\":\"label\"", StringComparison.Ordinal))));
        SimCli.Run(folder.Path, "labels", "import", "--in", "unanswered.jsonl", "--labels", "labels.db").AssertSucceeded();
        SimCli.Run(folder.Path, "reward", "train", "--labels", "labels.db", "--out", "reward_model.bin").AssertBadInput("labels.db", "holds no answer to train on");
        Assert.False(File.Exists(folder.File("reward_model.bin")));
    }

    [Fact]
    public void Bad_input_gets_one_line_naming_it_and_nothing_is_written()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.File("corrupt.db"), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7))]);
        File.WriteAllText(folder.File("synthetic.jsonl"), SyntheticExport(seed: 4));
        SimCli.Run(folder.Path, "labels", "import", "--in", "synthetic.jsonl", "--labels", "labels.db").AssertSucceeded();
        Directory.CreateDirectory(folder.File("a-folder"));

        SimCli.Run(folder.Path, "reward", "train", "--labels", "missing.db").AssertBadInput("missing.db", "does not exist", "expected a label store");
        SimCli.Run(folder.Path, "reward", "train", "--labels", "corrupt.db", "--out", "m.bin").AssertBadInput("corrupt.db");
        SimCli.Run(folder.Path, "reward", "train", "--labels", "labels.db", "--out", "/sys/m.bin").AssertBadInput("--out '/sys/m.bin' cannot be written", "expected a writable location");
        SimCli.Run(folder.Path, "reward", "train", "--labels", "labels.db", "--out", "a-folder").AssertBadInput("a-folder", "is a folder: expected a file path");
        SimCli.Run(folder.Path, "reward", "train", "--labels", "labels.db", "--epochs", "0").AssertBadInput("--epochs = 0", "expected at least 1");
        SimCli.Run(folder.Path, "reward", "train", "--labels", "labels.db", "--held-out", "1").AssertBadInput("--held-out = 1", "expected a share in [0, 1)");
        SimCli.Run(folder.Path, "reward", "train", "--labels", "labels.db", "--min-gold-accuracy", "1.5").AssertBadInput("--min-gold-accuracy = 1.5", "expected an accuracy in [0, 1]");
        Assert.False(File.Exists(folder.File("m.bin")));
        Assert.False(File.Exists(folder.File("reward_model.bin")));
    }

    // A sim labels export of 240 pairs of fresh segments with random observations (offset per segment, so returns differ)
    // and actions, labelled by labeler human:oracle with the larger true return, computed here.
    static string SyntheticExport(int seed)
    {
        var rng = new Random(seed);
        var text = new StringBuilder("{\"type\":\"sim-labels\",\"version\":1}\n{\"type\":\"labeler\",\"id\":\"human:oracle\"}\n");
        var labels = new StringBuilder();
        int segmentId = 0;
        for (int pair = 1; pair <= Pairs; pair++)
        {
            var returns = new double[2];
            for (int side = 0; side < 2; side++)
            {
                segmentId++;
                float offset = (float)(rng.NextDouble() * 2 - 1);
                var observations = new float[Length * ObservationSize];
                var actions = new float[Length * ActionSize];
                var rewards = new float[Length];
                for (int i = 0; i < observations.Length; i++) observations[i] = offset + (float)(rng.NextDouble() - 0.5);
                for (int i = 0; i < actions.Length; i++) actions[i] = (float)(rng.NextDouble() * 2 - 1);
                for (int t = 0; t < Length; t++)
                {
                    rewards[t] = observations[t * ObservationSize];
                    returns[side] += rewards[t];
                }
                string payload = Convert.ToBase64String(SegmentPayload.Encode("Synthetic-v0", segmentId, Length, ObservationSize, ActionSize, observations, actions, rewards));
                text.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"segment\",\"id\":{segmentId},\"env\":\"Synthetic-v0\",\"source\":\"synthetic\",\"episode\":{segmentId},\"start\":0,\"length\":{Length},\"payload\":\"{payload}\"}}\n");
            }
            text.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"pair\",\"id\":{pair},\"left\":{segmentId - 1},\"right\":{segmentId},\"round\":0,\"sampler\":\"uniform\",\"created_at_ms\":0}}\n");
            string answer = returns[0] > returns[1] ? "left" : "right";
            labels.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"label\",\"pair\":{pair},\"labeler\":\"human:oracle\",\"label\":\"{answer}\",\"at_ms\":{pair}}}\n");
        }
        return text.Append(labels).ToString();
    }

    [GeneratedRegex(@"held-out accuracy ([0-9.]+) on (\d+) labels")]
    private static partial Regex HeldOutLine();
}
