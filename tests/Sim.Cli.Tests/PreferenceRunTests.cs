using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sim.Cli.Tests;

/// <summary><c>sim train --reward preference</c> and its <c>--resume</c>, run as a child process on a small Pendulum PPO run.</summary>
public sealed class PreferenceRunTests
{
    [Fact]
    public void A_preference_run_stores_its_labels_and_model_and_resumes_where_it_stopped()
    {
        using var cwd = new TempDirectory();
        // 2 envs × 200 steps per rollout; rounds of 10 labels (the first after the first rollout) until 20 are asked.
        SimCli.Run(cwd.Path, "train", "--env", "Pendulum-v1", "--algo", "ppo", "--reward", "preference", "--labels", "20",
            "--labels-per-round", "10", "--segment-length", "10", "--round-every", "400", "--num-envs", "2", "--set", "num_steps=200", "--set", "num_minibatches=4",
            "--steps", "800", "--checkpoint-every", "400", "--runs", "runs").AssertSucceeded();
        string run = Directory.GetDirectories(Path.Combine(cwd.Path, "runs")).Single();
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            Assert.Equal(200, config.RootElement.GetProperty("Ppo").GetProperty("NumSteps").GetInt32());
            Assert.Equal("preference", config.RootElement.GetProperty("Reward").GetString());
        }
        Assert.True(File.Exists(Path.Combine(run, "reward_model.bin")));
        Assert.Equal([10.0, 20.0], Labels(run));

        var resumed = SimCli.Run(cwd.Path, "train", "--resume", run, "--steps", "1600");
        resumed.AssertSucceeded();
        Assert.Contains("resumedatstep800", resumed.FlatStdout.Replace(",", ""));
        // The budget was spent before the stop: the resumed run trains on without asking again.
        Assert.Equal([10.0, 20.0], Labels(run));
        using (var store = new SqliteConnection($"Data Source={Path.Combine(run, "labels.db")};Mode=ReadOnly"))
        {
            store.Open();
            Assert.Equal(20L, Scalar(store, "SELECT count(*) FROM labels"));
            Assert.Equal("ok", Scalar(store, "PRAGMA integrity_check"));
        }
        var returns = MetricsCsv.Read(Path.Combine(run, "metrics.csv")).Where(r => r.Tag == "charts/episodic_return").ToList();
        // Pendulum episodes last 200 steps: 2 envs finish 2 episodes per 400 steps, 8 over the 1600 steps of both processes.
        Assert.Equal(8, returns.Count);
        Assert.Equal(4, returns.Count(r => r.Step > 800));
    }

    static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    static double[] Labels(string run) =>
        MetricsCsv.Read(Path.Combine(run, "metrics.csv")).Where(r => r.Tag == "preference/labels").Select(r => r.Value).ToArray();

    [Fact]
    public void Set_overrides_hyperparameters_by_their_own_or_cleanrl_names_and_rejects_unknown_names_and_wrong_kinds()
    {
        using var cwd = new TempDirectory();
        SimCli.Run(cwd.Path, "train", "--env", "CartPole-v1", "--steps", "2e3", "--runs", "runs", "--set", "learning_rate=1e-3",
            "--set", "ent_coef=0.01", "--set", "num-steps=64", "--set", "anneal_lr=false", "--set", "target_kl=0.02", "--set", "total_timesteps=1e3")
            .AssertSucceeded();
        string run = Directory.GetDirectories(Path.Combine(cwd.Path, "runs")).Single();
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            var ppo = config.RootElement.GetProperty("Ppo");
            Assert.Equal(0.001, ppo.GetProperty("LearningRate").GetDouble());
            Assert.Equal(0.01, ppo.GetProperty("EntropyCoef").GetDouble());
            Assert.Equal(64, ppo.GetProperty("NumSteps").GetInt32());
            Assert.False(ppo.GetProperty("AnnealLearningRate").GetBoolean());
            Assert.Equal(0.02, ppo.GetProperty("TargetKl").GetDouble());
            // Later settings win: --set total_timesteps comes after --steps.
            Assert.Equal(1000, ppo.GetProperty("TotalTimesteps").GetInt64());
        }

        SimCli.Run(cwd.Path, "train", "--set", "nope=1").AssertBadInput("--set nope", "learning_rate", "entropy_coef");
        SimCli.Run(cwd.Path, "train", "--set", "gamma=abc").AssertBadInput("gamma=abc", "expected a number");
        SimCli.Run(cwd.Path, "train", "--set", "num_steps=1.5").AssertBadInput("num_steps=1.5", "expected an integer");
        SimCli.Run(cwd.Path, "train", "--set", "norm_adv=maybe").AssertBadInput("norm_adv=maybe", "true or false");
        SimCli.Run(cwd.Path, "train", "--set", "gamma").AssertBadInput("'gamma'", "name=value");
        var invalid = SimCli.Run(cwd.Path, "train", "--set", "num_minibatches=0");
        invalid.AssertBadInput("NumMinibatches = 0");
        Assert.DoesNotContain("Parameter '", invalid.Stderr);
        SimCli.Run(cwd.Path, "train", "--algo", "sac", "--env", "Pendulum-v1", "--set", "ent_coef=0.1").AssertBadInput("SacConfig", "q_learning_rate");
        SimCli.Run(cwd.Path, "train", "--resume", run, "--set", "gamma=0.9").AssertBadInput("--set gamma=0.9", "config.json");
        Assert.Single(Directory.GetDirectories(Path.Combine(cwd.Path, "runs")));
    }
}
