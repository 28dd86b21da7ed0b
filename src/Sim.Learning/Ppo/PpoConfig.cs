namespace Sim.Learning.Ppo;

/// <summary>Hyperparameters of a PPO run; the defaults are CleanRL's <c>ppo_continuous_action</c>.</summary>
/// <remarks>
/// As in CleanRL, the batch size, minibatch size and number of iterations are not set directly but
/// derived from the rollout shape, so that changing the number of envs keeps the rest consistent.
/// </remarks>
public sealed record PpoConfig
{
    /// <summary>Seeds the envs (env i gets Seed + i), the network initialisation and all policy sampling.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Torch device name: "cpu", "cuda" or "cuda:N" (see <see cref="TorchDevice.Parse"/>).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Intra-op threads torch may use (process-wide, set when the trainer starts); null leaves torch's default.</summary>
    /// <remarks>The 64-wide networks gain nothing from more than one CPU thread, and on a busy machine torch's
    /// spinning worker threads can slow every op by orders of magnitude, so 1 is the better choice on CPU.</remarks>
    public int? TorchThreads { get; init; }

    /// <summary>Env steps to train for, summed over all envs.</summary>
    public long TotalTimesteps { get; init; } = 1_000_000;

    /// <summary>Number of envs stepped together; must equal the vector env's <c>NumEnvs</c>.</summary>
    public int NumEnvs { get; init; } = 1;

    /// <summary>Vector steps per rollout (each collects <see cref="NumEnvs"/> transitions).</summary>
    public int NumSteps { get; init; } = 2048;

    /// <summary>Adam learning rate at the start of training.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Whether the learning rate falls linearly to 0 over the iterations.</summary>
    public bool AnnealLearningRate { get; init; } = true;

    /// <summary>Adam's epsilon (CleanRL uses 1e-5 rather than PyTorch's 1e-8).</summary>
    public double AdamEpsilon { get; init; } = 1e-5;

    /// <summary>Discount factor γ.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE λ.</summary>
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Minibatches per epoch; the batch is split into this many equal parts.</summary>
    public int NumMinibatches { get; init; } = 32;

    /// <summary>Passes over each rollout.</summary>
    public int UpdateEpochs { get; init; } = 10;

    /// <summary>Whether advantages are normalised to zero mean and unit std in each minibatch.</summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Surrogate clipping coefficient ε: the probability ratio is clipped to [1 − ε, 1 + ε].</summary>
    public double ClipCoef { get; init; } = 0.2;

    /// <summary>Whether the value loss is clipped around the rollout's values with <see cref="ClipCoef"/>.</summary>
    public bool ClipValueLoss { get; init; } = true;

    /// <summary>Weight of the entropy bonus.</summary>
    public double EntropyCoef { get; init; } = 0.0;

    /// <summary>Weight of the value loss.</summary>
    public double ValueCoef { get; init; } = 0.5;

    /// <summary>Global gradient norm above which gradients are scaled down.</summary>
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Approximate KL above which the remaining epochs of an iteration are skipped; null = never.</summary>
    public double? TargetKl { get; init; }

    /// <summary>Width of each of the two tanh hidden layers of the actor and of the critic.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Initial value of the state-independent log standard deviation (continuous actions).</summary>
    public double InitialLogStd { get; init; } = 0.0;

    /// <summary>CleanRL's <c>ppo.py</c> settings for discrete classic-control tasks such as CartPole.</summary>
    public static PpoConfig DiscreteDefaults { get; } = new()
    {
        TotalTimesteps = 500_000,
        NumEnvs = 4,
        NumSteps = 128,
        LearningRate = 2.5e-4,
        NumMinibatches = 4,
        UpdateEpochs = 4,
        EntropyCoef = 0.01,
    };

    /// <summary>Transitions per rollout: <see cref="NumEnvs"/> × <see cref="NumSteps"/>.</summary>
    public int BatchSize => NumEnvs * NumSteps;

    /// <summary>Transitions per minibatch: <see cref="BatchSize"/> / <see cref="NumMinibatches"/>.</summary>
    public int MinibatchSize => BatchSize / NumMinibatches;

    /// <summary>Rollout-and-update iterations: <see cref="TotalTimesteps"/> / <see cref="BatchSize"/>, rounded down.</summary>
    public int NumIterations => (int)(TotalTimesteps / BatchSize);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first field that is out of range and what was expected.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Device))
            throw new ArgumentException($"{nameof(Device)} = \"{Device}\": expected \"cpu\", \"cuda\" or \"cuda:N\"", nameof(Device));
        if (TorchThreads is int threads)
            Require(threads >= 1, nameof(TorchThreads), threads, "expected null (torch's default) or at least 1 thread");
        Require(NumEnvs >= 1, nameof(NumEnvs), NumEnvs, "expected at least 1 env");
        Require(NumSteps >= 1, nameof(NumSteps), NumSteps, "expected at least 1 step per rollout");
        Require((long)NumEnvs * NumSteps <= int.MaxValue, nameof(NumSteps), NumSteps,
            $"NumEnvs × NumSteps = {(long)NumEnvs * NumSteps} exceeds {int.MaxValue} transitions per rollout");
        Require(NumMinibatches >= 1, nameof(NumMinibatches), NumMinibatches, "expected at least 1 minibatch");
        Require(BatchSize % NumMinibatches == 0, nameof(NumMinibatches), NumMinibatches,
            $"expected a divisor of the batch size NumEnvs × NumSteps = {BatchSize}, so that no transition is dropped");
        Require(TotalTimesteps >= BatchSize, nameof(TotalTimesteps), TotalTimesteps,
            $"expected at least one rollout of NumEnvs × NumSteps = {BatchSize} steps");
        Require(TotalTimesteps / BatchSize <= int.MaxValue, nameof(TotalTimesteps), TotalTimesteps, "expected fewer than 2^31 iterations");
        Require(UpdateEpochs >= 1, nameof(UpdateEpochs), UpdateEpochs, "expected at least 1 epoch");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), LearningRate, "expected a finite value > 0");
        Require(double.IsFinite(AdamEpsilon) && AdamEpsilon > 0, nameof(AdamEpsilon), AdamEpsilon, "expected a finite value > 0");
        Require(Gamma is >= 0 and <= 1, nameof(Gamma), Gamma, "expected a discount in [0, 1]");
        Require(GaeLambda is >= 0 and <= 1, nameof(GaeLambda), GaeLambda, "expected a λ in [0, 1]");
        Require(double.IsFinite(ClipCoef) && ClipCoef > 0, nameof(ClipCoef), ClipCoef, "expected a finite value > 0");
        Require(double.IsFinite(EntropyCoef) && EntropyCoef >= 0, nameof(EntropyCoef), EntropyCoef, "expected a finite value >= 0");
        Require(double.IsFinite(ValueCoef) && ValueCoef >= 0, nameof(ValueCoef), ValueCoef, "expected a finite value >= 0");
        Require(double.IsFinite(MaxGradNorm) && MaxGradNorm > 0, nameof(MaxGradNorm), MaxGradNorm, "expected a finite value > 0");
        if (TargetKl is double kl)
            Require(double.IsFinite(kl) && kl > 0, nameof(TargetKl), kl, "expected null (no early stop) or a finite value > 0");
        Require(HiddenSize >= 1, nameof(HiddenSize), HiddenSize, "expected at least 1 unit");
        Require(double.IsFinite(InitialLogStd), nameof(InitialLogStd), InitialLogStd, "expected a finite value");
    }

    static void Require(bool ok, string field, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(field, value, $"{field} = {value}: {expected}");
    }
}
