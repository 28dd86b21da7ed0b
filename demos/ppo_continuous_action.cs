#:project ../src/Sim.Learning/Sim.Learning.csproj
#:project ../envs/Sim.Envs/Sim.Envs.csproj

// PPO for continuous actions in one file, in the order of CleanRL's ppo_continuous_action.py:
// args, env factory, agent, then one training loop. Run: dotnet run demos/ppo_continuous_action.cs -- --total-timesteps 50000
using System.Diagnostics;
using System.Reflection;
using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Foundation;
using Sim.Learning.Modules;
using Sim.Torch.Optimizers;
using Sim.Learning.Ppo;
using Sim.Learning.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

var config = Args.Parse(args);
string runName = $"{config.EnvId}__{config.ExpName}__{config.Seed}__{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
Console.WriteLine($"run {runName}");
Console.WriteLine($"batch_size={config.BatchSize} minibatch_size={config.MinibatchSize} num_iterations={config.NumIterations}");

// ================================================================ plumbing: torch and env
set_num_threads(1);
manual_seed(config.Seed);
var device = CPU;

using var env = MakeEnv(config.EnvId, config.NumEnvs, config.Seed, config.Gamma);
var statistics = env.Infos;
bool[] episodeDone = statistics.Flag(RecordEpisodeStatistics.DoneKey);
float[] episodeReturn = statistics.Value(RecordEpisodeStatistics.ReturnKey);
float[] episodeLength = statistics.Value(RecordEpisodeStatistics.LengthKey);
int obsSize = env.SingleObservationSpace.FlatSize;
int actSize = env.SingleActionSpace.FlatSize;

// ================================================================ agent and optimizer
using var initGenerator = new Generator((ulong)config.Seed, CPU);
using var sampleGenerator = new Generator(SeedDerivation.Derive((ulong)config.Seed, "policy-sampling"), device);
using var agent = ActorCritic.ForSpaces(env.SingleObservationSpace, env.SingleActionSpace, hidden: 64, initialLogStd: 0.0, initGenerator);
agent.to(device);
var parameters = agent.parameters().ToList();
// The library's Adam: TorchSharp's own step frees Scalars that libtorch may still be reading (see Sim.Torch.TorchScalars).
using var optimizer = new Adam(parameters, config.LearningRate, eps: 1e-5);

// ================================================================ rollout storage, allocated once: [steps, envs, ...]
int S = config.NumSteps, E = config.NumEnvs;
using var obs = zeros(new long[] { S, E, obsSize });
using var actions = zeros(new long[] { S, E, actSize });
using var logprobs = zeros(S, E);
using var rewards = zeros(S, E);
using var terminateds = zeros(S, E);
using var truncateds = zeros(S, E);
using var values = zeros(S, E);
using var finalValues = zeros(S, E);   // V(final observation) where an episode was truncated
using var nextObs = zeros(E, obsSize);
using var noValues = zeros(E);
using var clipFractionSum = zeros(1);
var hostObs = new float[E * obsSize];
var hostFinalObs = new float[E * obsSize];
var hostRewards = new float[E];
var hostTerminated = new float[E];
var hostTruncated = new float[E];
var hostActions = new float[E * actSize];

// ================================================================ start the game
long globalStep = 0;
var clock = Stopwatch.StartNew();
env.Reset((ulong)config.Seed);
CopyToTensor(env.Observations, hostObs, nextObs);

for (int iteration = 1; iteration <= config.NumIterations; iteration++)
{
    // ------------------------------------------------------------ algorithm: learning-rate annealing
    if (config.AnnealLr)
    {
        double frac = 1.0 - (iteration - 1.0) / config.NumIterations;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = frac * config.LearningRate;
    }

    // ------------------------------------------------------------ algorithm: rollout collection
    int episodes = 0;
    double returnSum = 0, lengthSum = 0;
    for (int step = 0; step < S; step++)
    {
        using var stepScope = NewDisposeScope();
        globalStep += E;
        obs[step].copy_(nextObs);
        using (no_grad())
        {
            var (action, logprob, value) = agent.Act(nextObs, sampleGenerator);
            values[step].copy_(value);
            actions[step].copy_(action);
            logprobs[step].copy_(logprob);
            action.contiguous().data<float>().CopyTo(hostActions, 0, 0);
        }

        // plumbing: the env writes into its own buffers; copy what the rollout keeps
        env.Step(hostActions);
        bool anyTruncated = false;
        for (int i = 0; i < E; i++)
        {
            hostRewards[i] = env.Rewards[i];
            hostTerminated[i] = env.Terminated[i] ? 1f : 0f;
            hostTruncated[i] = env.Truncated[i] ? 1f : 0f;
            anyTruncated |= env.Truncated[i];
        }
        rewards[step].copy_(tensor(hostRewards));
        terminateds[step].copy_(tensor(hostTerminated));
        truncateds[step].copy_(tensor(hostTruncated));
        CopyToTensor(env.Observations, hostObs, nextObs);

        // A truncated episode did not end for real: bootstrap it from V(final observation), not from the reset obs.
        if (anyTruncated)
        {
            using var noGrad = no_grad();
            env.FinalObservations.CopyTo(hostFinalObs);
            var finalValue = agent.Value(tensor(hostFinalObs, new long[] { E, obsSize }));
            finalValues[step].copy_(where(truncateds[step].gt(Constants.OneHalf), finalValue, noValues));
        }
        else
        {
            finalValues[step].zero_();
        }

        for (int i = 0; i < E; i++)
        {
            if (!episodeDone[i]) continue;
            episodes++;
            returnSum += episodeReturn[i];
            lengthSum += episodeLength[i];
            Console.WriteLine($"global_step={globalStep}, episodic_return={episodeReturn[i]:F1}");
        }
    }

    // ------------------------------------------------------------ algorithm: GAE
    Tensor advantages, returns;
    using (no_grad())
    using (var gaeScope = NewDisposeScope())
    {
        var nextValue = agent.Value(nextObs);
        (advantages, returns) = Gae.Compute(rewards, values, terminateds, truncateds, finalValues, nextValue, config.Gamma, config.GaeLambda);
        advantages.MoveToOuterDisposeScope();
        returns.MoveToOuterDisposeScope();
    }

    // flatten the batch
    using var bObs = obs.reshape(-1, obsSize);
    using var bActions = actions.reshape(-1, actSize);
    using var bLogprobs = logprobs.reshape(-1);
    using var bAdvantages = advantages.reshape(-1);
    using var bReturns = returns.reshape(-1);
    using var bValues = values.reshape(-1);

    // ------------------------------------------------------------ algorithm: PPO update over minibatches
    PpoLossTerms last = default;  // the last minibatch's terms, reported like CleanRL
    using var updateScope = NewDisposeScope();
    clipFractionSum.zero_();
    int minibatches = 0;
    for (int epoch = 0; epoch < config.UpdateEpochs; epoch++)
    {
        var order = randperm(config.BatchSize, generator: sampleGenerator);
        for (int start = 0; start < config.BatchSize; start += config.MinibatchSize)
        {
            var mb = order.narrow(0, start, config.MinibatchSize);
            var (newLogprob, entropy, newValue) = agent.Evaluate(bObs.index_select(0, mb), bActions.index_select(0, mb));
            var mbAdvantages = bAdvantages.index_select(0, mb);
            if (config.NormAdv) mbAdvantages = PpoLoss.NormalizeAdvantages(mbAdvantages);
            var terms = PpoLoss.Compute(newLogprob, bLogprobs.index_select(0, mb), mbAdvantages, bReturns.index_select(0, mb),
                newValue, bValues.index_select(0, mb), entropy, config.ClipCoef, config.ClipVloss, config.EntCoef, config.VfCoef);

            optimizer.zero_grad();
            terms.Total.backward();
            GradientClipping.ClipByGlobalNorm(parameters, config.MaxGradNorm);
            optimizer.step();

            clipFractionSum.add_(terms.ClipFraction, Constants.One);
            minibatches++;
            last = terms;
        }
        if (config.TargetKl is double targetKl && last.ApproxKl.item<float>() > targetKl) break;
    }

    // ------------------------------------------------------------ plumbing: metrics, CleanRL's tags
    double explainedVar = ExplainedVariance(bValues, bReturns);
    double sps = globalStep / clock.Elapsed.TotalSeconds;
    Console.WriteLine(
        $"iter {iteration}/{config.NumIterations} global_step={globalStep} " +
        $"charts/episodic_return={(episodes > 0 ? returnSum / episodes : double.NaN):F1} " +
        $"charts/episodic_length={(episodes > 0 ? lengthSum / episodes : double.NaN):F1} " +
        $"charts/learning_rate={optimizer.ParamGroups.First().LearningRate:G3} " +
        $"losses/value_loss={last.ValueLoss.item<float>():F4} losses/policy_loss={last.PolicyLoss.item<float>():F4} " +
        $"losses/entropy={last.Entropy.item<float>():F3} losses/old_approx_kl={last.OldApproxKl.item<float>():F4} " +
        $"losses/approx_kl={last.ApproxKl.item<float>():F4} losses/clipfrac={clipFractionSum.item<float>() / minibatches:F3} " +
        $"losses/explained_variance={explainedVar:F3} charts/SPS={sps:F0}");
    advantages.Dispose();
    returns.Dispose();
}

// ================================================================ helpers

// Gymnasium's wrapper stack as CleanRL builds it; episode statistics sit inside the normalisers so they report the task's own returns.
static IVectorEnv MakeEnv(string envId, int numEnvs, int seed, double gamma)
{
    IVectorEnv env = Sim.Envs.Envs.Make(envId, numEnvs, (ulong)seed, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
    env = new RecordEpisodeStatistics(env);
    env = new ClipAction(env);
    env = new NormalizeObservation(env);
    env = new NormalizeReward(env, gamma);
    return env;
}

static void CopyToTensor(ReadOnlySpan<float> source, float[] host, Tensor destination)
{
    source.CopyTo(host);
    destination.data<float>().CopyFrom(host, 0, 0);
}

// Computed on the host: one read per iteration, and no tensor arithmetic with temporary Scalars.
static double ExplainedVariance(Tensor values, Tensor returns)
{
    var v = values.data<float>().ToArray();
    var r = returns.data<float>().ToArray();
    double meanR = r.Average(x => (double)x), meanD = 0;
    for (int i = 0; i < r.Length; i++) meanD += r[i] - v[i];
    meanD /= r.Length;
    double varR = 0, varD = 0;
    for (int i = 0; i < r.Length; i++)
    {
        varR += (r[i] - meanR) * (r[i] - meanR);
        double d = r[i] - v[i] - meanD;
        varD += d * d;
    }
    return varR == 0 ? double.NaN : 1 - varD / varR;
}

/// <summary>Command-line arguments of the demo, with CleanRL's defaults except a shorter run; set any as <c>--kebab-name value</c>.</summary>
sealed record Args
{
    /// <summary>Name of this experiment, part of the run name.</summary>
    public string ExpName { get; init; } = "ppo_continuous_action";
    /// <summary>Seed of the env, the weights and the action sampling.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Id of the environment in Sim.Envs.Envs.</summary>
    public string EnvId { get; init; } = "InvertedPendulum-v1";
    /// <summary>Total env steps of the run, summed over envs.</summary>
    public int TotalTimesteps { get; init; } = 50_000;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-4;
    /// <summary>Number of parallel envs.</summary>
    public int NumEnvs { get; init; } = 1;
    /// <summary>Steps per env per rollout.</summary>
    public int NumSteps { get; init; } = 2048;
    /// <summary>Whether the learning rate decays linearly to 0 over the run.</summary>
    public bool AnnealLr { get; init; } = true;
    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;
    /// <summary>GAE λ.</summary>
    public double GaeLambda { get; init; } = 0.95;
    /// <summary>Minibatches per epoch.</summary>
    public int NumMinibatches { get; init; } = 32;
    /// <summary>Epochs over each rollout.</summary>
    public int UpdateEpochs { get; init; } = 10;
    /// <summary>Whether advantages are normalised per minibatch.</summary>
    public bool NormAdv { get; init; } = true;
    /// <summary>Surrogate clipping ε.</summary>
    public double ClipCoef { get; init; } = 0.2;
    /// <summary>Whether the value loss is clipped too.</summary>
    public bool ClipVloss { get; init; } = true;
    /// <summary>Entropy bonus weight.</summary>
    public double EntCoef { get; init; } = 0.0;
    /// <summary>Value loss weight.</summary>
    public double VfCoef { get; init; } = 0.5;
    /// <summary>Global gradient-norm limit.</summary>
    public double MaxGradNorm { get; init; } = 0.5;
    /// <summary>Approximate KL above which an update stops early; none by default.</summary>
    public double? TargetKl { get; init; }

    // Derived after parsing.
    /// <summary>Transitions per rollout.</summary>
    public int BatchSize => NumEnvs * NumSteps;
    /// <summary>Transitions per minibatch.</summary>
    public int MinibatchSize => BatchSize / NumMinibatches;
    /// <summary>Rollout-and-update iterations of the run.</summary>
    public int NumIterations => TotalTimesteps / BatchSize;

    /// <summary>Reads <c>--kebab-name value</c> pairs onto the defaults.</summary>
    public static Args Parse(string[] argv)
    {
        var result = new Args();
        for (int i = 0; i < argv.Length; i += 2)
        {
            string name = argv[i];
            if (!name.StartsWith("--") || i + 1 >= argv.Length)
                throw new ArgumentException($"argument '{name}': expected '--name value' pairs such as --total-timesteps 50000");
            string pascal = string.Concat(name[2..].Split('-').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
            var property = typeof(Args).GetProperty(pascal, BindingFlags.Public | BindingFlags.Instance);
            if (property is null || !property.CanWrite)
                throw new ArgumentException($"unknown argument '{name}': expected one of {string.Join(", ", typeof(Args).GetProperties().Where(p => p.CanWrite).Select(p => p.Name))} in kebab case");
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            property.SetValue(result, Convert.ChangeType(argv[i + 1], type, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (result.NumIterations < 1 || result.MinibatchSize < 2)
            throw new ArgumentException($"total-timesteps {result.TotalTimesteps}, num-envs {result.NumEnvs}, num-steps {result.NumSteps}, num-minibatches {result.NumMinibatches}: expected at least one iteration and minibatches of at least 2");
        return result;
    }
}

/// <summary>Scalars that live for the whole process: TorchSharp 0.107 may finalize a temporary Scalar while libtorch still reads it.</summary>
static class Constants
{
    /// <summary>The alpha of a plain addition.</summary>
    public static readonly Scalar One = 1.ToScalar();
    /// <summary>Threshold that turns a 0/1 float flag into a bool.</summary>
    public static readonly Scalar OneHalf = 0.5.ToScalar();
}
