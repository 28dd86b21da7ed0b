namespace Sim.Cli.Tests;

/// <summary>Every command's bad input, one row each: <c>sim</c> must exit with code 2 and one <c>sim: </c> line that holds
/// the row's fragments (the value or path, and what was expected) and names a log holding the trace, print no stack
/// trace, and leave its working folder (its inputs, and any output folder) exactly as it was.</summary>
public sealed class BadInputTable(BadInputWorkspace workspace) : IClassFixture<BadInputWorkspace>
{
    /// <summary>Row name, arguments, fragments the message must hold.</summary>
    public static TheoryData<string, string[], string[]> Rows() => new()
    {
        // train
        { "train --num-envs 0", ["train", "--num-envs", "0"], ["--num-envs = 0", "expected at least 1"] },
        { "train --steps -5", ["train", "--steps", "-5"], ["--steps = -5", "expected a positive number"] },
        { "train --steps 1e300", ["train", "--steps", "1e300"], ["--steps = 1E+300", "expected a positive number"] },
        { "train --checkpoint-every 0", ["train", "--checkpoint-every", "0"], ["--checkpoint-every = 0", "expected a positive number"] },
        { "train --torch-threads 0", ["train", "--torch-threads", "0"], ["--torch-threads = 0", "expected at least 1"] },
        { "train --algo dqn", ["train", "--algo", "dqn"], ["'dqn'", "expected one of ppo, sac"] },
        { "train --env unknown", ["train", "--env", "NoSuchEnv-v0"], ["'NoSuchEnv-v0'", "CartPole-v1"] },
        { "train --device tpu", ["train", "--device", "tpu"], ["--device 'tpu'", "cpu"] },
        { "train --hparams with sac", ["train", "--algo", "sac", "--env", "Pendulum-v1", "--hparams", "zoo"], ["--hparams zoo", "--algo ppo"] },
        { "train sac on discrete actions", ["train", "--algo", "sac", "--env", "CartPole-v1"], ["--algo sac on CartPole-v1", "continuous Box"] },
        { "train --set unknown", ["train", "--set", "nope=1"], ["--set nope", "learning_rate"] },
        { "train --env MJCF without actuators", ["train", "--env", "statue.xml"], ["statue.xml", "has no actuators"] },
        { "train --env malformed MJCF", ["train", "--env", "broken.xml"], ["broken.xml", "nosuchtype"] },
        { "train --env missing MJCF", ["train", "--env", "nowhere.xml"], ["nowhere.xml", "does not exist"] },
        { "check-env unknown id", ["check-env", "NoSuchEnv-v0"], ["'NoSuchEnv-v0'", "Hopper-v5"] },
        { "check-env --env-arg unknown key", ["check-env", "Hopper-v5", "--env-arg", "frame_skp=2"], ["'frame_skp'", "frame_skip"] },
        { "train --env-arg unknown key", ["train", "--env", "Hopper-v5", "--env-arg", "frame_skp=2"], ["'frame_skp'", "Hopper-v5", "frame_skip"] },
        { "train --env-arg bad value", ["train", "--env", "Hopper-v5", "--env-arg", "frame_skip=0"], ["frame_skip = '0'", "at least 1"] },
        { "train --env-arg not key=value", ["train", "--env", "Hopper-v5", "--env-arg", "frame_skip"], ["'frame_skip'", "key=value"] },
        { "train --env-arg on an env without arguments", ["train", "--env", "CartPole-v1", "--env-arg", "length=2"], ["CartPole-v1 takes no env arguments"] },
        { "train --env-arg default_camera_config not an object", ["train", "--env", "Hopper-v5", "--env-arg", "default_camera_config=4"],
            ["default_camera_config = '4'", "an object"] },
        { "train --env-arg default_camera_config body outside the model", ["train", "--env", "Hopper-v5", "--env-arg", "default_camera_config={\"trackbodyid\": 9}"],
            ["trackbodyid = 9", "bodies 0..4"] },
        { "train --reward unknown", ["train", "--reward", "human"], ["--reward 'human'", "expected one of env, preference, oni"] },
        { "train --reward oni without url", ["train", "--env", "ReacherSparse-v1", "--reward", "oni", "--llm-model", "m"], ["--reward oni without --llm-url", "expected the base URL"] },
        { "train --reward oni on sac", ["train", "--env", "ReacherSparse-v1", "--algo", "sac", "--reward", "oni", "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m"], ["--reward oni with --algo sac", "use --algo ppo"] },
        { "train --reward oni uncaptioned env", ["train", "--env", "CartPole-v1", "--reward", "oni", "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m"], ["--env CartPole-v1", "emits no event captions"] },
        { "train --oni-model unknown", ["train", "--env", "ReacherSparse-v1", "--reward", "oni", "--oni-model", "lookup", "--llm-url", "http://127.0.0.1:9/v1", "--llm-model", "m"], ["--oni-model 'lookup'", "retrieval, classification or ranking"] },
        { "train --llm-url with env reward", ["train", "--env", "ReacherSparse-v1", "--llm-url", "http://127.0.0.1:9/v1"], ["--llm-url with --reward env", "--reward oni or --teacher llm"] },
        { "train --teacher llm without model", ["train", "--env", "ReacherSparse-v1", "--reward", "preference", "--teacher", "llm", "--llm-url", "http://127.0.0.1:9/v1"], ["--teacher llm without --llm-model"] },
        { "train --llm-url not a url", ["train", "--env", "ReacherSparse-v1", "--reward", "oni", "--llm-url", "ftp:/x", "--llm-model", "m"], ["LLM base URL 'ftp:/x'", "absolute http(s) URL"] },
        { "train --her with ppo", ["train", "--env", "ArmReach-v1", "--her"], ["--her with --algo ppo", "use --algo sac"] },
        { "train --her on a non-goal env", ["train", "--env", "Pendulum-v1", "--algo", "sac", "--her"], ["--her on Pendulum-v1", "no goal env"] },
        { "train --her-strategy unknown", ["train", "--env", "ArmReach-v1", "--algo", "sac", "--her", "--her-strategy", "sideways"], ["--her-strategy 'sideways'", "future, final or episode"] },
        { "train --her-k zero", ["train", "--env", "ArmReach-v1", "--algo", "sac", "--her", "--her-k", "0"], ["--her-k = 0", "at least 1"] },
        { "train --her-k without --her", ["train", "--env", "ArmReach-v1", "--algo", "sac", "--her-k", "2"], ["--her-k without --her"] },
        { "train --reward spa without an outcome", ["train", "--env", "Pendulum-v1", "--algo", "sac", "--reward", "spa"], ["Pendulum-v1 sets no is_success flag", "--delayed-reward"] },
        { "train --reward spa keeping a delayed reward on sac", ["train", "--env", "Pendulum-v1", "--algo", "sac", "--reward", "spa", "--delayed-reward", "--spa-env-reward", "keep"], ["cannot be recomputed", "--spa-env-reward drop"] },
        { "train --spa-grounding-eps negative", ["train", "--env", "ArmReach-v1", "--algo", "sac", "--reward", "spa", "--spa-grounding-eps", "-0.01"], ["--spa-grounding-eps = -0.01", "≥ 0"] },
        { "train --spa-grounding-eps not finite", ["train", "--env", "ArmReach-v1", "--algo", "sac", "--reward", "spa", "--spa-grounding-eps", "NaN"], ["--spa-grounding-eps = NaN", "finite distance"] },
        { "train --spa-grounding-weight not finite", ["train", "--env", "ArmReach-v1", "--reward", "spa", "--spa-grounding-weight", "Infinity"], ["--spa-grounding-weight = Infinity", "finite number"] },
        { "train --spa-env-reward unknown", ["train", "--env", "ArmReach-v1", "--reward", "spa", "--spa-env-reward", "half"], ["--spa-env-reward 'half'", "keep or drop"] },
        { "train --spa-update-every zero", ["train", "--env", "ArmReach-v1", "--reward", "spa", "--spa-update-every", "0"], ["--spa-update-every = 0", "at least 1 env step"] },
        { "train --spa-sampled-steps negative", ["train", "--env", "HalfCheetah-v1", "--delayed-reward", "--reward", "spa", "--spa-sampled-steps", "-4"], ["--spa-sampled-steps = -4", "0 (whole episodes)"] },
        { "train --spa-sampled-steps without --reward spa", ["train", "--env", "HalfCheetah-v1", "--spa-sampled-steps", "64"], ["--spa-sampled-steps with --reward env", "add --reward spa"] },
        { "train --spa-set unknown", ["train", "--env", "ArmReach-v1", "--reward", "spa", "--spa-set", "depth=3"], ["--spa-set depth", "no such hyperparameter", "hidden_size"] },
        { "train --spa-set out of range", ["train", "--env", "ArmReach-v1", "--reward", "spa", "--spa-set", "hidden_size=0"], ["--spa-set", "hidden size 0", "at least 1 unit"] },
        { "train --spa-set outcome", ["train", "--env", "ArmReach-v1", "--reward", "spa", "--spa-set", "outcome=DelayedReturn"], ["--spa-set outcome", "follows --delayed-reward"] },
        { "train --spa-set not a number", ["train", "--env", "ArmReach-v1", "--reward", "spa", "--spa-set", "learning_rate=fast"], ["--spa-set learning_rate", "fast"] },
        { "train --spa-set without --reward spa", ["train", "--env", "ArmReach-v1", "--spa-set", "hidden_size=64"], ["--spa-set with --reward env", "add --reward spa"] },
        { "train --spa-grounding-eps without --reward spa", ["train", "--env", "ArmReach-v1", "--spa-grounding-eps", "0.01"], ["--spa-grounding-eps with --reward env", "add --reward spa"] },
        { "train --reward potential on a non-goal env", ["train", "--env", "Pendulum-v1", "--algo", "sac", "--reward", "potential"], ["--reward potential on Pendulum-v1", "goal env"] },
        { "train --sampler unknown", ["train", "--reward", "preference", "--sampler", "psychic"], ["--sampler 'psychic'", "uniform, disagreement or entropy"] },
        { "train --round-every 0", ["train", "--reward", "preference", "--round-every", "0"], ["--round-every = 0", "expected at least 1"] },
        { "train --labels-per-round above --labels", ["train", "--reward", "preference", "--labels", "10", "--labels-per-round", "50"], ["--labels-per-round = 50", "expected at most --labels (10)"] },
        { "train --reed without preferences", ["train", "--env", "Pendulum-v1", "--reed"], ["--reed with --reward env", "add --reward preference"] },
        { "train --reed unknown variant", ["train", "--env", "Pendulum-v1", "--reward", "preference", "--reed", "byol"], ["--reed 'byol'", "expected simsiam or contrastive"] },
        { "train --reed-set unknown", ["train", "--env", "Pendulum-v1", "--reward", "preference", "--reed", "--reed-set", "depth=9"], ["--reed-set depth", "epochs", "state_embedding"] },
        { "train --reed-set out of range", ["train", "--env", "Pendulum-v1", "--reward", "preference", "--reed", "--reed-set", "epochs=0"], ["--reed-set", "Epochs = 0", "expected at least 1 epoch"] },
        { "train --reed-set copy_encoders unknown", ["train", "--env", "Pendulum-v1", "--reward", "preference", "--reed", "--reed-set", "copy_encoders=sometimes"], ["--reed-set copy_encoders", "sometimes", "EveryUpdate, FirstUpdate"] },
        { "train --reed-set without --reed", ["train", "--env", "Pendulum-v1", "--reward", "preference", "--reed-set", "epochs=3"], ["--reed-set epochs=3 without --reed", "add --reed"] },
        { "train --segment-length longer than episodes", ["train", "--env", "Pendulum-v1", "--reward", "preference", "--segment-length", "5000"], ["--segment-length = 5000", "expected at most the 200 steps of a Pendulum-v1 episode"] },
        { "train --num-envs out of memory (sac)", ["train", "--algo", "sac", "--env", "Hopper-v1", "--num-envs", "10000000"], ["--num-envs = 10000000", "GB", "more than the"] },
        { "train --num-envs beyond one buffer (sac)", ["train", "--algo", "sac", "--env", "Pendulum-v1", "--num-envs", "2000000000"], ["--num-envs = 2000000000", "expected at most"] },
        { "train --runs under /sys", ["train", "--runs", "/sys/sim-runs"], ["--runs '/sys/sim-runs' cannot be written", "expected a writable location"] },
        { "train --runs is a file", ["train", "--runs", "a-file"], ["a-file", "is a file, expected a folder"] },
        { "train --resume missing", ["train", "--resume", "gone"], ["gone", "does not exist"] },
        { "train --resume not a run", ["train", "--resume", "notes"], ["notes", "config.json"] },
        { "train --resume with --set", ["train", "--resume", BadInputWorkspace.StalledRun, "--set", "gamma=0.9"], ["--set gamma=0.9", "config.json"] },
        { "train --resume without a checkpoint", ["train", "--resume", BadInputWorkspace.StalledRun], ["has no checkpoint to resume from", "holds 3 rows"] },
        { "train --resume without a checkpoint, new budget", ["train", "--resume", BadInputWorkspace.StalledRun, "--steps", "2e5"], ["has no checkpoint to resume from"] },
        // eval
        { "eval --run missing", ["eval", "--run", "missing-run"], ["missing-run", "does not exist"] },
        { "eval --episodes 0", ["eval", "--run", BadInputWorkspace.StalledRun, "--episodes", "0"], ["--episodes = 0", "expected at least 1"] },
        { "eval --record under /sys", ["eval", "--run", BadInputWorkspace.StalledRun, "--record", "/sys/eval.msgpack"], ["--record '/sys/eval.msgpack' cannot be written"] },
        { "eval --record is a folder", ["eval", "--run", BadInputWorkspace.StalledRun, "--record", "a-folder"], ["a-folder", "is a folder: expected a file path"] },
        { "eval without a checkpoint", ["eval", "--run", BadInputWorkspace.StalledRun], ["no checkpoint yet"] },
        // demo
        { "demo --num-envs 0", ["demo", "--num-envs", "0"], ["--num-envs = 0", "expected at least 1"] },
        { "demo --steps below --num-envs", ["demo", "--num-envs", "4", "--steps", "2"], ["--steps = 2", "at least --num-envs (4)"] },
        { "demo --threads 0", ["demo", "--threads", "0"], ["--threads = 0", "expected at least 1"] },
        { "demo --env unknown", ["demo", "--env", "NoSuchEnv-v0"], ["'NoSuchEnv-v0'", "Hopper-v1"] },
        { "demo --num-envs out of memory", ["demo", "--num-envs", "10000000", "--steps", "10000000"], ["--num-envs = 10000000", "GB", "more than the"] },
        { "demo --out under /sys", ["demo", "--out", "/sys/rollout.msgpack", "--steps", "64"], ["--out '/sys/rollout.msgpack' cannot be written"] },
        { "demo --out is a folder", ["demo", "--out", "a-folder", "--steps", "64"], ["a-folder", "is a folder: expected a file path"] },
        { "demo --out below a file", ["demo", "--out", "a-file/rollout.msgpack", "--steps", "64"], ["a-file", "is a file, expected a folder"] },
        // plot
        { "plot missing run", ["plot", "missing-run"], ["missing-run", "does not exist"] },
        { "plot --window 0", ["plot", BadInputWorkspace.StalledRun, "--window", "0"], ["--window = 0", "expected at least 1"] },
        { "plot --out under /sys", ["plot", BadInputWorkspace.StalledRun, "--tag", "charts/SPS", "--out", "/sys/compare.png"], ["--out '/sys/compare.png' cannot be written"] },
        { "plot --out is a folder", ["plot", BadInputWorkspace.StalledRun, "--tag", "charts/SPS", "--out", "a-folder"], ["a-folder", "is a folder: expected a file path"] },
        { "plot tag not logged", ["plot", BadInputWorkspace.StalledRun, "--tag", "charts/nothing", "--out", "x.png"], ["charts/nothing", "charts/SPS"] },
        // clips
        { "clips without input", ["clips"], ["no input", "--labels"] },
        { "clips with both inputs", ["clips", "hopper.msgpack", "--labels", "empty.db"], ["both a trajectory file", "exactly one"] },
        { "clips --length -5", ["clips", "hopper.msgpack", "--length", "-5"], ["--length = -5", "or 0 for whole trajectories"] },
        { "clips all shorter than --length", ["clips", "hopper.msgpack", "--length", "100000"], ["--length = 100000", "shorter", "--length 0"] },
        { "clips missing file", ["clips", "missing.msgpack"], ["missing.msgpack"] },
        { "clips garbage file", ["clips", "garbage.msgpack"], ["garbage.msgpack"] },
        { "clips unregistered env", ["clips", "unregistered.msgpack", "--length", "0"], ["unregistered.msgpack", "episode 0", "NoSuchRobot-v9", "known ids"] },
        { "clips NaN physics state", ["clips", "nan.msgpack", "--length", "0"], ["nan.msgpack", "episode 0 step 5", "physics state[2] = NaN", "must be finite"] },
        { "clips infinite physics state", ["clips", "inf.msgpack", "--length", "0"], ["inf.msgpack", "episode 0 step 3", "physics state[0] = Infinity", "must be finite"] },
        { "clips --camera unknown", ["clips", "hopper.msgpack", "--length", "10", "--camera", "nope", "--width", "64", "--height", "64", "--threads", "1", "--gl", "Egl"], ["camera 'nope'", "model cameras"] },
        { "clips --camera tracking unknown body", ["clips", "hopper.msgpack", "--length", "10", "--camera", "tracking:nobody", "--width", "64", "--height", "64", "--threads", "1", "--gl", "Egl"], ["tracking:nobody", "torso"] },
        { "clips --gl Glfw without a display", ["clips", "hopper.msgpack", "--length", "10", "--gl", "Glfw", "--width", "64", "--height", "64", "--threads", "1"], ["DISPLAY is not set", "xvfb-run"] },
        { "clips --out under /sys", ["clips", "hopper.msgpack", "--out", "/sys/clips"], ["--out '/sys/clips' cannot be written"] },
        { "clips --out is a file", ["clips", "hopper.msgpack", "--out", "a-file"], ["a-file", "is a file, expected a folder"] },
        { "clips --labels empty file", ["clips", "--labels", "empty.db"], ["empty.db", "is empty", "labels.db of a preference run"] },
        { "clips --labels missing", ["clips", "--labels", "missing.db"], ["missing.db", "no such file"] },
        { "clips --width odd", ["clips", "hopper.msgpack", "--width", "63"], ["63", "even"] },
        // labels export and import
        { "labels import malformed line", ["labels", "import", "--in", "malformed.jsonl", "--labels", "new.db"], ["malformed.jsonl' line 2 is not JSON", "one JSON object per line"] },
        { "labels import wrong version", ["labels", "import", "--in", "version9.jsonl", "--labels", "new.db"], ["version9.jsonl' line 1", "version 9", "reads version 1"] },
        { "labels import unknown labeler", ["labels", "import", "--in", "unknown-labeler.jsonl", "--labels", "new.db"], ["unknown-labeler.jsonl' line 3", "'human:zed'", "expected a declared labeler id"] },
        { "labels import unknown segment", ["labels", "import", "--in", "unknown-segment.jsonl", "--labels", "new.db"], ["unknown-segment.jsonl' line 2", "left segment 4", "expected a declared segment id"] },
        { "labels import missing file", ["labels", "import", "--in", "nothing.jsonl", "--labels", "new.db"], ["nothing.jsonl", "does not exist"] },
        { "labels export missing store", ["labels", "export", "--labels", "missing.db", "--out", "x.jsonl"], ["missing.db", "no such file"] },
        { "labels export --out is a folder", ["labels", "export", "--labels", "empty.db", "--out", "a-folder"], ["a-folder", "is a folder: expected a file path"] },
        // bench
        { "bench envs --seconds 1e300", ["bench", "envs", "--seconds", "1e300"], ["--seconds = 1E+300", "at most 86400 s"] },
        { "bench envs --seconds 0", ["bench", "envs", "--seconds", "0"], ["--seconds = 0", "positive duration"] },
        { "bench envs --ratio-rounds 0", ["bench", "envs", "--ratio-rounds", "0"], ["--ratio-rounds = 0", "at least 1"] },
        { "bench envs --envs unknown", ["bench", "envs", "--envs", "NoSuchEnv-v0"], ["'NoSuchEnv-v0'", "CartPole-v1"] },
        { "bench envs --extra malformed", ["bench", "envs", "--envs", "CartPole-v1", "--extra", "CartPole-v1:x"], ["--extra 'CartPole-v1:x'", "envId:numEnvs:threads"] },
        { "bench envs --num-envs 0", ["bench", "envs", "--envs", "CartPole-v1", "--num-envs", "0"], ["--num-envs 0", "at least 1"] },
        { "bench envs --num-envs out of memory", ["bench", "envs", "--envs", "Hopper-v1", "--num-envs", "10000000"], ["--num-envs 10000000", "GB"] },
        { "bench envs --markdown under /sys", ["bench", "envs", "--envs", "CartPole-v1", "--markdown", "/sys/bench.md"], ["--markdown '/sys/bench.md' cannot be written"] },
        { "bench envs --markdown is a folder", ["bench", "envs", "--envs", "CartPole-v1", "--markdown", "a-folder"], ["a-folder", "is a folder"] },
        // view and replay (they fail before any window opens)
        { "view --num-envs 0", ["view", "--env", "Hopper-v1", "--num-envs", "0"], ["--num-envs = 0", "expected at least 1"] },
        { "view --num-envs out of memory", ["view", "--env", "Hopper-v1", "--num-envs", "10000000"], ["--num-envs = 10000000", "GB"] },
        { "view --env unknown", ["view", "--env", "NoSuchEnv-v0"], ["'NoSuchEnv-v0'", "Hopper-v1"] },
        { "view --out is a file", ["view", "--env", "Hopper-v1", "--out", "a-file"], ["a-file", "is a file, expected a folder"] },
        { "view --checkpoint missing", ["view", "--env", "Hopper-v1", "--checkpoint", "nowhere"], ["--checkpoint 'nowhere'", "run folder"] },
        { "view without a display", ["view", "--env", "Hopper-v1"], ["DISPLAY is not set"] },
        { "replay missing file", ["replay", "missing.msgpack"], ["missing.msgpack"] },
        { "replay garbage file", ["replay", "garbage.msgpack"], ["garbage.msgpack"] },
        { "replay --out is a file", ["replay", "hopper.msgpack", "--out", "a-file"], ["a-file", "is a file, expected a folder"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Bad_input_ends_in_one_line_naming_it_and_exit_code_2_and_changes_nothing(string row, string[] args, string[] fragments)
    {
        var before = FolderSnapshot.Take(workspace.WorkingDirectory);
        var logsBefore = Directory.GetFiles(workspace.LogDirectory).ToHashSet();
        var result = SimCli.Run(workspace.WorkingDirectory, workspace.Environment, args);

        result.AssertBadInput(fragments);
        string line = result.Stderr.TrimEnd('\n');
        Assert.True(!line.Contains('\n'), $"{row}: expected one line\n{result.Describe()}");
        Assert.DoesNotContain("internal error", line);
        // The line names the log, which holds the trace the line leaves out.
        string log = Assert.Single(Directory.GetFiles(workspace.LogDirectory), f => !logsBefore.Contains(f));
        Assert.EndsWith($"(details: {log})", line);
        Assert.Contains("   at ", File.ReadAllText(log));
        FolderSnapshot.AssertUnchanged(before, FolderSnapshot.Take(workspace.WorkingDirectory), $"{row}\n{result.Describe()}");
    }
}
