using System.Text.Json;
using System.Text.Json.Nodes;
using Sim.Learning.Runs;
using Sim.Learning.Training;
using Sim.Rewards.Normalization;
using Sim.Rewards.Queries;

namespace Sim.Learning.Tests.Runs;

public class RunConfigTests
{
    // config.json as `sim train --env CartPole-v1 --hparams zoo --num-envs 2` wrote it while the schema was the command
    // line's TrainSettings, before --capture-video existed (so without CaptureVideo), with a shortened step budget.
    const string PpoRunWrittenBeforeTheMove = """
        {
          "Env": "CartPole-v1",
          "Algorithm": "ppo",
          "EnvThreads": 1,
          "CheckpointEvery": 64,
          "Ppo": {
            "Seed": 7,
            "Device": "cpu",
            "TorchThreads": 1,
            "TotalTimesteps": 128,
            "NumEnvs": 2,
            "NumSteps": 32,
            "LearningRate": 0.001,
            "AnnealLearningRate": true,
            "AdamEpsilon": 1E-05,
            "Gamma": 0.98,
            "GaeLambda": 0.8,
            "NumMinibatches": 2,
            "UpdateEpochs": 2,
            "NormalizeAdvantages": true,
            "ClipCoef": 0.2,
            "ClipValueLoss": true,
            "EntropyCoef": 0,
            "ValueCoef": 0.5,
            "MaxGradNorm": 0.5,
            "TargetKl": null,
            "HiddenSize": 64,
            "InitialLogStd": 0,
            "BatchSize": 64,
            "MinibatchSize": 32,
            "NumIterations": 2
          },
          "Sac": null,
          "Reward": "env",
          "Preference": null
        }
        """;

    // The preference section as a PEBBLE run of that time wrote it (only loaded here: SAC runs are trained elsewhere).
    const string PebbleRunWrittenBeforeTheMove = """
        {
          "Env": "Walker2d-v1",
          "Algorithm": "sac",
          "EnvThreads": 2,
          "CheckpointEvery": 50000,
          "Ppo": null,
          "Sac": {
            "Seed": 3,
            "Device": "cpu",
            "TorchThreads": 2,
            "TotalTimesteps": 500000,
            "NumEnvs": 1,
            "BufferSize": 1000000,
            "Gamma": 0.99,
            "Tau": 0.005,
            "BatchSize": 256,
            "LearningStarts": 5000,
            "PolicyLearningRate": 0.0003,
            "QLearningRate": 0.001,
            "PolicyFrequency": 2,
            "TargetNetworkFrequency": 1,
            "UpdatesPerStep": 1,
            "HiddenSize": 256,
            "Autotune": true,
            "Alpha": 0.2,
            "InitialAlpha": 1,
            "TargetEntropy": null,
            "MetricsInterval": 100
          },
          "Reward": "preference",
          "Preference": {
            "Teacher": "mistake",
            "Labels": 500,
            "Sampler": "Entropy",
            "SegmentLength": 50,
            "LabelsPerRound": null,
            "RoundInterval": null,
            "FirstRoundStep": null,
            "UnsupervisedSteps": 9000,
            "HeldOutPairs": 200,
            "EnsembleMembers": 3,
            "CandidateFactor": 10,
            "RecentEpisodes": 100,
            "Normalization": "UnitMean",
            "TanhOutput": false
          },
          "CaptureVideo": false
        }
        """;

    static RunDefinition WriteRun(string root, string json)
    {
        var directory = RunDirectory.Create(root, "CartPole-v1", "ppo", 7, DateTimeOffset.FromUnixTimeSeconds(1000));
        File.WriteAllText(directory.ConfigPath, json);
        return RunDefinition.Load(RunDirectory.Open(directory.Path));
    }

    [Fact]
    public void A_ppo_run_written_before_the_schema_moved_loads_trains_resumes_and_evaluates_through_the_registry()
    {
        using var scratch = new TempDirectory();
        var run = WriteRun(scratch.Path, PpoRunWrittenBeforeTheMove);
        Assert.Equal("CartPole-v1", run.Config.Env);
        Assert.Equal("env", run.Config.Reward);
        Assert.False(run.Config.CaptureVideo);
        Assert.Equal((7UL, 2, 32, 0.98), (run.Config.Ppo!.Seed, run.Config.Ppo.NumEnvs, run.Config.Ppo.NumSteps, run.Config.Ppo.Gamma));

        // Written back, it is the same document plus the fields added since.
        var rewritten = JsonNode.Parse(JsonSerializer.Serialize(run.Config, RunConfigFile.Options))!.AsObject();
        Assert.False(rewritten["CaptureVideo"]!.GetValue<bool>());
        rewritten.Remove("CaptureVideo");
        Assert.False(rewritten["DelayedReward"]!.GetValue<bool>());
        rewritten.Remove("DelayedReward");
        Assert.Null(rewritten["EnvArgs"]);
        rewritten.Remove("EnvArgs");
        Assert.Null(rewritten["Oni"]);
        rewritten.Remove("Oni");
        Assert.Null(rewritten["Spa"]);
        rewritten.Remove("Spa");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(PpoRunWrittenBeforeTheMove), rewritten), rewritten.ToJsonString());

        var registry = RunRegistry.CreateDefault();
        using (var training = registry.BuildTraining(run, Envs.Envs.Registry))
        {
            var loop = new TrainingLoop(training.Trainer, run.Directory, run.Config.CheckpointEvery);
            using var cancel = new CancellationTokenSource();
            loop.Progress += p => { if (p.GlobalStep >= 64) cancel.Cancel(); };
            loop.Run(cancel.Token);
            Assert.Equal(64, loop.LastCheckpointStep);
        }
        using (var resumed = registry.BuildTraining(RunDefinition.Load(run.Directory), Envs.Envs.Registry))
        {
            var loop = new TrainingLoop(resumed.Trainer, run.Directory, run.Config.CheckpointEvery);
            Assert.Equal(64, loop.Resume());
            loop.Run();
            Assert.Equal(128, resumed.Trainer.GlobalStep);
        }
        using var policy = registry.LoadPolicy(RunDefinition.Load(run.Directory), run.Directory.Checkpoints().Latest()!, Envs.Envs.Registry);
        Assert.Equal(7UL, policy.TrainingSeed);
        Assert.Equal(2, policy.Env.NumEnvs);
    }

    [Fact]
    public void A_pebble_run_written_before_the_schema_moved_loads_with_every_preference_setting()
    {
        using var scratch = new TempDirectory();
        var run = WriteRun(scratch.Path, PebbleRunWrittenBeforeTheMove);
        Assert.Equal(("Walker2d-v1", "sac", 2, "preference"), (run.Config.Env, run.Config.Algorithm, run.Config.EnvThreads, run.Config.Reward));
        Assert.Null(run.Config.Ppo);
        var preference = run.Config.Preference!;
        Assert.Equal(("mistake", 500, QuerySelection.Entropy, RewardNormalization.UnitMean), (preference.Teacher, preference.Labels, preference.Sampler, preference.Normalization));
        var registry = RunRegistry.CreateDefault();
        var settings = registry.AlgorithmOf(run).Settings(run);
        Assert.Equal(new AlgorithmSettings(3, 1, "cpu", 500_000), settings);
        Assert.IsType<Sim.Learning.Preferences.PreferenceRewardSource>(registry.RewardSourceOf(run));
    }
}
