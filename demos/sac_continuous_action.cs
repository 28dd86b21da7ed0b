#:project ../src/Sim.Torch/Sim.Torch.csproj
#:project ../src/Sim.Learning/Sim.Learning.csproj
#:project ../envs/Sim.Envs/Sim.Envs.csproj

// Soft actor-critic for continuous actions in one file, in the order of CleanRL's sac_continuous_action.py:
// args, env factory, networks, then one training loop. Run: dotnet run demos/sac_continuous_action.cs -- --total-timesteps 20000
using System.Diagnostics;
using System.Reflection;
using Sim.Core;
using Sim.Foundation;
using Sim.Core.Spaces;
using Sim.Core.Wrappers;
using Sim.Learning.Replay;
using Sim.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;
// The library's Adam, not TorchSharp's: its step frees Scalars that libtorch may still be reading (see Sim.Torch.TorchScalars).
using Adam = Sim.Torch.Optimizers.Adam;

var config = Args.Parse(args);
string runName = $"{config.EnvId}__{config.ExpName}__{config.Seed}__{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
Console.WriteLine($"run {runName}");

// ================================================================ plumbing: torch and env
set_num_threads(config.TorchThreads);
manual_seed(config.Seed);
var device = TorchDevice.Parse(config.Device);

using var env = MakeEnv(config.EnvId, config.NumEnvs, config.Seed);
var statistics = env.Infos;
bool[] episodeDone = statistics.Flag(RecordEpisodeStatistics.DoneKey);
float[] episodeReturn = statistics.Value(RecordEpisodeStatistics.ReturnKey);
var actionSpace = env.SingleActionSpace as Box
    ?? throw new ArgumentException($"env {config.EnvId} has action space {env.SingleActionSpace}: SAC needs a continuous Box");
int obsSize = env.SingleObservationSpace.FlatSize;
int actSize = actionSpace.FlatSize;
int E = config.NumEnvs;

// ================================================================ networks and optimizers
using var actor = new Actor(obsSize, actionSpace);
using var qf1 = new SoftQNetwork("qf1", obsSize, actSize);
using var qf2 = new SoftQNetwork("qf2", obsSize, actSize);
using var qf1Target = new SoftQNetwork("qf1_target", obsSize, actSize);
using var qf2Target = new SoftQNetwork("qf2_target", obsSize, actSize);
qf1Target.load_state_dict(qf1.state_dict());
qf2Target.load_state_dict(qf2.state_dict());
foreach (var module in new nn.Module[] { actor, qf1, qf2, qf1Target, qf2Target }) module.to(device);
var qParameters = qf1.parameters().Concat(qf2.parameters()).ToList();
using var qOptimizer = new Adam(qParameters, config.QLr);
using var actorOptimizer = new Adam(actor.parameters(), config.PolicyLr);

// The temperature α is learned as log α (starting at α = 1, as CleanRL), towards a policy entropy of −|A|.
double targetEntropy = -actSize;
using var logAlpha = new Parameter(zeros(1, device: device), requires_grad: true);
using var alphaOptimizer = new Adam(new[] { logAlpha }, config.QLr);
// α stays on the device so that the losses never wait for a host read; it only changes in place.
using var fixedAlpha = config.Alpha.ToScalar();
using var alpha = config.Autotune ? logAlpha.detach().exp() : full(new long[] { 1 }, fixedAlpha, ScalarType.Float32, device);

// Run-time numbers the losses hand to libtorch, held for the whole run (a temporary Scalar may be freed mid-call).
using var gamma = config.Gamma.ToScalar();
using var tau = config.Tau.ToScalar();
using var oneMinusTau = (1 - config.Tau).ToScalar();
using var targetEntropyScalar = targetEntropy.ToScalar();

// ================================================================ replay buffer and randomness
// Rows past the run's length would never be written, so a short run allocates only what it can fill.
using var rb = new ReplayBuffer((int)Math.Min(config.BufferSize, config.TotalTimesteps), obsSize, actSize, device);
var rng = new SimRandom(SeedDerivation.Derive((ulong)config.Seed, "host-sampling"));     // warm-up actions and replay sampling
using var noiseGenerator = new Generator(SeedDerivation.Derive((ulong)config.Seed, "policy-noise"), device);  // the policy's Gaussian noise
var hostObs = new float[E * obsSize];
var hostActions = new float[E * actSize];

// ================================================================ start the game
long globalStep = 0, updates = 0, nextLogStep = config.LogInterval;
var recentReturns = new Queue<float>();
var clock = Stopwatch.StartNew();
env.Reset((ulong)config.Seed);
env.Observations.CopyTo(hostObs);

while (globalStep < config.TotalTimesteps)
{
    using var stepScope = NewDisposeScope();

    // ------------------------------------------------------------ algorithm: act (uniformly at random until learning starts)
    if (globalStep < config.LearningStarts)
    {
        for (int i = 0; i < E; i++) actionSpace.Sample(ref rng, hostActions.AsSpan(i * actSize, actSize));
    }
    else
    {
        using var noGrad = no_grad();
        var (action, _) = actor.GetAction(tensor(hostObs, new long[] { E, obsSize }, device: device), noiseGenerator);
        action.cpu().contiguous().data<float>().CopyTo(hostActions, 0, 0);
    }

    // plumbing: step, report finished episodes, store the transitions
    env.Step(hostActions);
    globalStep += E;
    for (int i = 0; i < E; i++)
    {
        if (!episodeDone[i]) continue;
        Console.WriteLine($"global_step={globalStep}, episodic_return={episodeReturn[i]:F1}");
        recentReturns.Enqueue(episodeReturn[i]);
        if (recentReturns.Count > 10) recentReturns.Dequeue();
    }
    // AddStep stores an ended episode's final observation as s′ (not the next episode's first), and truncations as
    // not terminated, so that the critics bootstrap through time limits.
    rb.AddStep(hostObs, hostActions, env);
    env.Observations.CopyTo(hostObs);

    bool logNow = globalStep >= nextLogStep;
    if (logNow) nextLogStep += config.LogInterval;
    if (globalStep <= config.LearningStarts) continue;

    // ------------------------------------------------------------ algorithm: critic update on the soft Bellman target
    updates++;
    var data = rb.Sample(config.BatchSize, ref rng);
    Tensor nextQValue;
    using (no_grad())
    {
        var (nextStateActions, nextStateLogPi) = actor.GetAction(data.NextObservations, noiseGenerator);
        var qf1NextTarget = qf1Target.forward(data.NextObservations, nextStateActions);
        var qf2NextTarget = qf2Target.forward(data.NextObservations, nextStateActions);
        var minQfNextTarget = minimum(qf1NextTarget, qf2NextTarget) - alpha * nextStateLogPi;
        var notTerminated = ones_like(data.Terminated) - data.Terminated;
        nextQValue = data.Rewards.add(notTerminated * minQfNextTarget, gamma);  // r + γ·(1 − d)·(min Q′ − α·log π′)
    }
    var qf1AValues = qf1.forward(data.Observations, data.Actions);
    var qf2AValues = qf2.forward(data.Observations, data.Actions);
    var qf1Loss = nn.functional.mse_loss(qf1AValues, nextQValue);
    var qf2Loss = nn.functional.mse_loss(qf2AValues, nextQValue);
    var qfLoss = qf1Loss.add(qf2Loss, One);
    qOptimizer.zero_grad();
    qfLoss.backward();
    qOptimizer.step();

    // ------------------------------------------------------------ algorithm: delayed actor and temperature updates
    // TD3's delay: every policy-frequency-th update, the actor takes that many steps, keeping one actor step per critic step.
    Tensor? actorLoss = null, alphaLoss = null;
    if (updates % config.PolicyFrequency == 0)
    {
        for (int k = 0; k < config.PolicyFrequency; k++)
        {
            var (pi, logPi) = actor.GetAction(data.Observations, noiseGenerator);
            var qf1Pi = qf1.forward(data.Observations, pi);
            var qf2Pi = qf2.forward(data.Observations, pi);
            actorLoss = (alpha * logPi - minimum(qf1Pi, qf2Pi)).mean();
            actorOptimizer.zero_grad();
            actorLoss.backward();
            actorOptimizer.step();

            if (!config.Autotune) continue;
            Tensor freshLogPi;
            using (no_grad()) (_, freshLogPi) = actor.GetAction(data.Observations, noiseGenerator);
            // −α·(log π + H̄): α grows while the policy's entropy −log π is below the target H̄, and shrinks above it.
            alphaLoss = (logAlpha.exp().neg() * freshLogPi.add(targetEntropyScalar, One)).mean();
            alphaOptimizer.zero_grad();
            alphaLoss.backward();
            alphaOptimizer.step();
            using (no_grad()) alpha.copy_(logAlpha.exp());
        }
    }

    // ------------------------------------------------------------ algorithm: Polyak averaging of the target critics
    if (updates % config.TargetNetworkFrequency == 0)
    {
        using var noGrad = no_grad();
        foreach (var (online, target) in qf1.parameters().Zip(qf1Target.parameters()).Concat(qf2.parameters().Zip(qf2Target.parameters())))
            target.mul_(oneMinusTau).add_(online, tau);  // θ′ ← τ·θ + (1 − τ)·θ′
    }

    // ------------------------------------------------------------ plumbing: metrics, CleanRL's tags (read from the device only here)
    if (logNow)
    {
        Console.WriteLine(
            $"global_step={globalStep} updates={updates} " +
            $"losses/qf1_values={qf1AValues.mean().item<float>():F2} losses/qf2_values={qf2AValues.mean().item<float>():F2} " +
            $"losses/qf1_loss={qf1Loss.item<float>():F4} losses/qf2_loss={qf2Loss.item<float>():F4} " +
            $"losses/qf_loss={qfLoss.item<float>() / 2:F4} " +
            $"losses/actor_loss={(actorLoss is null ? float.NaN : actorLoss.item<float>()):F3} " +
            $"losses/alpha={alpha.item<float>():F4} " +
            $"losses/alpha_loss={(alphaLoss is null ? float.NaN : alphaLoss.item<float>()):F4} " +
            $"charts/SPS={globalStep / clock.Elapsed.TotalSeconds:F0}");
    }
}

Console.WriteLine($"done: global_step={globalStep} updates={updates} wall_time={clock.Elapsed.TotalSeconds:F0}s " +
    $"mean episodic_return of the last {recentReturns.Count} episodes={(recentReturns.Count > 0 ? recentReturns.Average() : double.NaN):F1}");

// ================================================================ helpers

// CleanRL's SAC records episode statistics and nothing else: the squashed policy and the uniform warm-up stay inside
// the action Box, and neither observations nor rewards are normalised. Same-step autoreset hands over an ended
// episode's final observation with the step that ended it, which the replay buffer stores as s′.
static IVectorEnv MakeEnv(string envId, int numEnvs, int seed)
{
    IVectorEnv env = Sim.Envs.Envs.Make(envId, numEnvs, (ulong)seed, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
    return new RecordEpisodeStatistics(env);
}

/// <summary>A soft Q-function Q(s, a): a 256×256 ReLU MLP over the concatenated observation and action.</summary>
sealed class SoftQNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fc3;

    /// <summary>A critic for <paramref name="obsSize"/> observations and <paramref name="actSize"/> actions.</summary>
    public SoftQNetwork(string name, int obsSize, int actSize) : base(name)
    {
        _fc1 = nn.Linear(obsSize + actSize, 256);
        _fc2 = nn.Linear(256, 256);
        _fc3 = nn.Linear(256, 1);
        RegisterComponents();
    }

    /// <summary>Q-values <c>[batch]</c> of actions <c>[batch, A]</c> in observations <c>[batch, O]</c>.</summary>
    public override Tensor forward(Tensor obs, Tensor action)
    {
        var x = cat(new[] { obs, action }, 1);
        x = _fc1.forward(x).relu();
        x = _fc2.forward(x).relu();
        return _fc3.forward(x).view(-1);
    }
}

/// <summary>The policy: a Gaussian over pre-squash actions whose samples tanh squashes into the action Box.</summary>
sealed class Actor : nn.Module<Tensor, (Tensor Mean, Tensor LogStd)>
{
    // log σ is kept in [−5, 2] (CleanRL's LOG_STD_MIN and LOG_STD_MAX) by a tanh, which, unlike a clamp, keeps a gradient.
    private static readonly Scalar LogStdMin = (-5.0).ToScalar();
    private static readonly Scalar LogStdHalfRange = (0.5 * (2.0 - -5.0)).ToScalar();
    private static readonly Scalar HalfLogTwoPi = (0.5 * Math.Log(2 * Math.PI)).ToScalar();
    // Keeps log(1 − tanh²) finite where tanh saturates.
    private static readonly Scalar Epsilon = 1e-6.ToScalar();

    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fcMean;
    private readonly Linear _fcLogStd;
    // Tensor fields are registered as buffers, so they follow the module to its device.
    private readonly Tensor _actionScale;
    private readonly Tensor _actionBias;

    /// <summary>A policy for <paramref name="obsSize"/> observations and actions in <paramref name="actionSpace"/>, whose bounds must be finite.</summary>
    public Actor(int obsSize, Box actionSpace) : base("actor")
    {
        int actSize = actionSpace.FlatSize;
        var scale = new float[actSize];
        var bias = new float[actSize];
        for (int i = 0; i < actSize; i++)
        {
            float low = actionSpace.Low[i], high = actionSpace.High[i];
            if (!float.IsFinite(low) || !float.IsFinite(high) || !(high > low))
                throw new ArgumentException($"action bound {i} is [{low}, {high}]: a squashed policy needs finite bounds with low < high");
            scale[i] = (high - low) / 2f;
            bias[i] = (high + low) / 2f;
        }
        _fc1 = nn.Linear(obsSize, 256);
        _fc2 = nn.Linear(256, 256);
        _fcMean = nn.Linear(256, actSize);
        _fcLogStd = nn.Linear(256, actSize);
        _actionScale = tensor(scale);
        _actionBias = tensor(bias);
        RegisterComponents();
    }

    /// <summary>The Gaussian's mean and log σ before squashing, each <c>[batch, A]</c>.</summary>
    public override (Tensor Mean, Tensor LogStd) forward(Tensor obs)
    {
        var x = _fc1.forward(obs).relu();
        x = _fc2.forward(x).relu();
        var mean = _fcMean.forward(x);
        var logStd = _fcLogStd.forward(x).tanh().add(One, One).mul(LogStdHalfRange).add(LogStdMin, One);  // min + (max − min)·(t + 1)/2
        return (mean, logStd);
    }

    /// <summary>Reparameterised actions <c>[batch, A]</c> inside the Box and their log-probabilities <c>[batch]</c>.</summary>
    public (Tensor Action, Tensor LogProb) GetAction(Tensor obs, Generator generator)
    {
        var (mean, logStd) = forward(obs);
        var noise = randn(mean.shape, dtype: mean.dtype, device: mean.device, generator: generator);
        var xT = mean.add(logStd.exp() * noise, One);  // u = μ + σ·ε, differentiable in μ and σ
        var yT = xT.tanh();
        var action = (yT * _actionScale).add(_actionBias, One);
        // log N(u; μ, σ) with (u − μ)/σ = ε, minus the log-Jacobian of a = tanh(u)·scale + bias.
        var logProb = noise.pow(Two).mul(MinusOneHalf).sub(logStd).sub(HalfLogTwoPi);
        var oneMinusYSquared = yT.pow(Two).neg().add(One, One);
        logProb = logProb - (_actionScale * oneMinusYSquared).add(Epsilon, One).log();
        return (action, logProb.sum(1));
    }
}

/// <summary>Command-line arguments of the demo, with CleanRL's defaults except a short run on Pendulum; set any as <c>--kebab-name value</c>.</summary>
sealed record Args
{
    /// <summary>Name of this experiment, part of the run name.</summary>
    public string ExpName { get; init; } = "sac_continuous_action";
    /// <summary>Seed of the env, the weights, the policy noise, the warm-up actions and replay sampling.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Torch device: "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Intra-op threads torch may use.</summary>
    public int TorchThreads { get; init; } = 1;
    /// <summary>Id of the environment in Sim.Envs.Envs.</summary>
    public string EnvId { get; init; } = "Pendulum-v1";
    /// <summary>Total env steps of the run, summed over envs (CleanRL: 1M).</summary>
    public long TotalTimesteps { get; init; } = 20_000;
    /// <summary>Number of parallel envs.</summary>
    public int NumEnvs { get; init; } = 1;
    /// <summary>Transitions the replay buffer holds.</summary>
    public int BufferSize { get; init; } = 1_000_000;
    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;
    /// <summary>Target smoothing coefficient τ.</summary>
    public double Tau { get; init; } = 0.005;
    /// <summary>Transitions per gradient update, sampled uniformly with replacement.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Env steps with uniformly random actions before learning starts.</summary>
    public long LearningStarts { get; init; } = 5_000;
    /// <summary>Adam learning rate of the actor.</summary>
    public double PolicyLr { get; init; } = 3e-4;
    /// <summary>Adam learning rate of the critics and of the temperature.</summary>
    public double QLr { get; init; } = 1e-3;
    /// <summary>Critic updates per delayed actor update (the actor then takes this many steps).</summary>
    public int PolicyFrequency { get; init; } = 2;
    /// <summary>Critic updates between target-network updates.</summary>
    public int TargetNetworkFrequency { get; init; } = 1;
    /// <summary>The fixed entropy temperature α when it is not tuned.</summary>
    public double Alpha { get; init; } = 0.2;
    /// <summary>Whether α is tuned towards a target entropy of −|A|.</summary>
    public bool Autotune { get; init; } = true;
    /// <summary>Env steps between metric lines.</summary>
    public long LogInterval { get; init; } = 1_000;

    /// <summary>Reads <c>--kebab-name value</c> pairs onto the defaults.</summary>
    public static Args Parse(string[] argv)
    {
        var result = new Args();
        for (int i = 0; i < argv.Length; i += 2)
        {
            string name = argv[i];
            if (!name.StartsWith("--") || i + 1 >= argv.Length)
                throw new ArgumentException($"argument '{name}': expected '--name value' pairs such as --total-timesteps 20000");
            string pascal = string.Concat(name[2..].Split('-').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
            var property = typeof(Args).GetProperty(pascal, BindingFlags.Public | BindingFlags.Instance);
            if (property is null || !property.CanWrite)
                throw new ArgumentException($"unknown argument '{name}': expected one of {string.Join(", ", typeof(Args).GetProperties().Where(p => p.CanWrite).Select(p => p.Name))} in kebab case");
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            property.SetValue(result, Convert.ChangeType(argv[i + 1], type, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (result.NumEnvs < 1 || result.TotalTimesteps < 1 || result.BatchSize < 1 || result.BufferSize < 1 || result.TorchThreads < 1
            || result.PolicyFrequency < 1 || result.TargetNetworkFrequency < 1 || result.LogInterval < 1)
            throw new ArgumentException($"num-envs {result.NumEnvs}, total-timesteps {result.TotalTimesteps}, batch-size {result.BatchSize}, " +
                $"buffer-size {result.BufferSize}, torch-threads {result.TorchThreads}, policy-frequency {result.PolicyFrequency}, " +
                $"target-network-frequency {result.TargetNetworkFrequency}, log-interval {result.LogInterval}: expected each to be at least 1");
        if (!(result.Tau is > 0 and <= 1) || !(result.Gamma is >= 0 and <= 1))
            throw new ArgumentException($"tau {result.Tau}, gamma {result.Gamma}: expected tau in (0, 1] and gamma in [0, 1]");
        return result;
    }
}
