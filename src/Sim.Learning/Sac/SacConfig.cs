using Sim.Learning.Replay;

namespace Sim.Learning.Sac;

/// <summary>Hyperparameters of a SAC run; the defaults are CleanRL's <c>sac_continuous_action</c>.</summary>
/// <remarks>
/// Learning rates follow CleanRL (policy 3e-4, critics and temperature 1e-3) rather than the SAC paper's 3e-4 for all.
/// Steps are counted in env transitions summed over envs, as <see cref="SacTrainer.GlobalStep"/>; with one env
/// (CleanRL's setting) a vector step is one transition.
/// </remarks>
public sealed record SacConfig
{
    /// <summary>Seeds the envs (env i gets Seed + i), the network initialisation, policy noise, random warm-up actions and replay sampling.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Torch device name: "cpu", "cuda" or "cuda:N" (see <see cref="TorchDevice.Parse"/>).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Intra-op threads torch may use (process-wide, set when the trainer starts); null leaves torch's default.</summary>
    public int? TorchThreads { get; init; }

    /// <summary>Env transitions to train for, summed over envs.</summary>
    public long TotalTimesteps { get; init; } = 1_000_000;

    /// <summary>Number of envs stepped together; must equal the vector env's <c>NumEnvs</c>.</summary>
    public int NumEnvs { get; init; } = 1;

    /// <summary>Transitions the replay buffer holds before it overwrites the oldest.</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Discount factor γ.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Target smoothing coefficient τ: target ← τ·online + (1 − τ)·target.</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Transitions per gradient update, drawn uniformly with replacement.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Transitions taken with uniformly random actions before the policy acts; gradient updates start once
    /// the buffer holds more than this many.</summary>
    public long LearningStarts { get; init; } = 5_000;

    /// <summary>Adam learning rate of the actor.</summary>
    public double PolicyLearningRate { get; init; } = 3e-4;

    /// <summary>Adam learning rate of the critics, and of the temperature when it is tuned.</summary>
    public double QLearningRate { get; init; } = 1e-3;

    /// <summary>Critic updates per actor update; the actor then takes this many steps at once to keep the same ratio (delayed update, as TD3 and CleanRL).</summary>
    public int PolicyFrequency { get; init; } = 2;

    /// <summary>Critic updates between Polyak updates of the target critics.</summary>
    public int TargetNetworkFrequency { get; init; } = 1;

    /// <summary>Gradient updates (critic steps) per vector step once learning has started; CleanRL takes 1 per env step.</summary>
    public int UpdatesPerStep { get; init; } = 1;

    /// <summary>Width of each of the two ReLU hidden layers of the actor and the critics.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>Whether the temperature α is learned towards <see cref="TargetEntropy"/>; otherwise it stays at <see cref="Alpha"/>.</summary>
    public bool Autotune { get; init; } = true;

    /// <summary>The fixed temperature used when <see cref="Autotune"/> is off.</summary>
    public double Alpha { get; init; } = 0.2;

    /// <summary>The starting temperature when <see cref="Autotune"/> is on (CleanRL starts at log α = 0; PEBBLE uses 0.1).</summary>
    public double InitialAlpha { get; init; } = 1.0;

    /// <summary>Target policy entropy for the tuned temperature; null means −|A| (minus the number of action dimensions).</summary>
    public double? TargetEntropy { get; init; }

    /// <summary>Gradient updates between metric reports; losses are read from the device only then.</summary>
    public int MetricsInterval { get; init; } = 100;

    /// <summary>Hindsight experience replay (Andrychowicz et al. 2017) on a goal env: how relabelled goals are chosen,
    /// or null (files written before the option existed, and runs without <c>--her</c>) for none.</summary>
    public HindsightStrategy? Her { get; init; }

    /// <summary>Relabelled goals per real one with <see cref="Her"/>: k/(k+1) of every batch is relabelled (SB3's 4).</summary>
    public int HerK { get; init; } = 4;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first field that is out of range and what was expected.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Device))
            throw new ArgumentException($"{nameof(Device)} = \"{Device}\": expected \"cpu\", \"cuda\" or \"cuda:N\"", nameof(Device));
        if (TorchThreads is int threads)
            Require(threads >= 1, nameof(TorchThreads), threads, "expected null (torch's default) or at least 1 thread");
        Require(NumEnvs >= 1, nameof(NumEnvs), NumEnvs, "expected at least 1 env");
        Require(TotalTimesteps >= 1, nameof(TotalTimesteps), TotalTimesteps, "expected at least 1 transition");
        Require(BufferSize >= 1, nameof(BufferSize), BufferSize, "expected room for at least 1 transition");
        Require(Gamma is >= 0 and <= 1, nameof(Gamma), Gamma, "expected a discount in [0, 1]");
        Require(Tau is > 0 and <= 1, nameof(Tau), Tau, "expected a fraction in (0, 1]");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "expected at least 1 transition per update");
        Require(LearningStarts >= 0, nameof(LearningStarts), LearningStarts, "expected 0 or more warm-up transitions");
        Require(double.IsFinite(PolicyLearningRate) && PolicyLearningRate > 0, nameof(PolicyLearningRate), PolicyLearningRate, "expected a finite value > 0");
        Require(double.IsFinite(QLearningRate) && QLearningRate > 0, nameof(QLearningRate), QLearningRate, "expected a finite value > 0");
        Require(PolicyFrequency >= 1, nameof(PolicyFrequency), PolicyFrequency, "expected at least 1 critic update per actor update");
        Require(TargetNetworkFrequency >= 1, nameof(TargetNetworkFrequency), TargetNetworkFrequency, "expected at least 1 critic update per target update");
        Require(UpdatesPerStep >= 1, nameof(UpdatesPerStep), UpdatesPerStep, "expected at least 1 update per vector step");
        Require(HiddenSize >= 1, nameof(HiddenSize), HiddenSize, "expected at least 1 unit");
        Require(double.IsFinite(Alpha) && Alpha >= 0, nameof(Alpha), Alpha, "expected a finite temperature >= 0");
        Require(double.IsFinite(InitialAlpha) && InitialAlpha > 0, nameof(InitialAlpha), InitialAlpha, "expected a finite temperature > 0 (it is learned as log α)");
        if (TargetEntropy is double entropy)
            Require(double.IsFinite(entropy), nameof(TargetEntropy), entropy, "expected null (−|A|) or a finite value");
        Require(MetricsInterval >= 1, nameof(MetricsInterval), MetricsInterval, "expected at least 1 update between reports");
        Require(HerK >= 1, nameof(HerK), HerK, "expected at least 1 relabelled goal per real one");
        if (Her is HindsightStrategy strategy)
            Require(Enum.IsDefined(strategy), nameof(Her), strategy, "expected future, final or episode");
    }

    static void Require(bool ok, string field, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(field, value, $"{field} = {value}: {expected}");
    }
}
