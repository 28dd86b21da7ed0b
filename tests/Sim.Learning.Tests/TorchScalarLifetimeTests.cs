using System.Diagnostics;
using Sim.Core;
using Sim.Core.Spaces;
using Sim.Learning.Modules;
using Sim.Learning.Ppo;
using Sim.Learning.Rollouts;
using Sim.Learning.Sac;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Sim.Learning.Tests;

/// <summary>Runs the tests that force garbage collections on a background thread alone, so that no other test's torch
/// code runs under that pressure.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GarbageCollectionPressureCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "garbage collection pressure";
}

/// <summary>Checks that the learning code never lets libtorch read a TorchSharp <see cref="Scalar"/> that the garbage
/// collector has already finalized (see <c>Sim.Torch.TorchScalars</c>).</summary>
/// <remarks>
/// With TorchSharp 0.107, <c>a + b</c> on two small tensors in a loop, while another thread calls <see cref="GC.Collect()"/>,
/// fails within a few seconds with "Expected false to be true ... toFloat at c10/core/Scalar.h", the crash seen after
/// hundreds of thousands of training steps. The stress test runs the hot paths under that pressure and requires the
/// results computed without it; the scan checks every call site statically, including ones no test runs.
/// The arithmetic itself is checked against hand-computed values by each component's own tests.
/// </remarks>
[Collection(GarbageCollectionPressureCollection.Name)]
public sealed class TorchScalarLifetimeTests
{
    private static readonly TimeSpan StressBudget = TimeSpan.FromSeconds(8);

    private readonly ITestOutputHelper _output;

    public TorchScalarLifetimeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Hot_paths_give_the_same_results_while_another_thread_collects_garbage_continuously()
    {
        // One intra-op thread, as the trainer tests use, so that repeated runs are bit-for-bit reproducible.
        set_num_threads(1);
        using var scope = NewDisposeScope();
        using var workload = new HotPathWorkload();
        float[][] expected;
        using (NewDisposeScope()) expected = workload.Run().Select(output => Values(output.Value)).ToArray();
        float[] expectedPpo = PpoRun();
        float[] expectedSac = SacRun();

        long iterations = 0;
        long collections;
        var churn = new GarbageChurn();
        try
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < StressBudget)
            {
                using var iterationScope = NewDisposeScope();
                var outputs = workload.Run();
                for (int i = 0; i < outputs.Count; i++) AssertSame(expected[i], outputs[i].Value, outputs[i].Name, iterations);
                iterations++;
            }
            AssertSame(expectedPpo, PpoRun(), "a PPO run", iterations);
            AssertSame(expectedSac, SacRun(), "a SAC run", iterations);
        }
        finally
        {
            collections = churn.Stop();
        }
        _output.WriteLine($"{iterations} workload iterations and one PPO and one SAC run during {collections} forced collections");
        Assert.True(collections > 0, "the background thread never completed a collection");
    }

    [Theory]
    [InlineData("Sim.Torch")]
    [InlineData("Sim.Rewards")]
    [InlineData("Sim.Learning")]
    public void Torch_code_hands_TorchSharp_no_Scalar_that_can_be_finalized_during_a_native_call(string assemblyName)
    {
        var problems = new TemporaryScalarFinder().Find(System.Reflection.Assembly.Load(assemblyName));
        Assert.True(problems.Count == 0, $"temporary Scalars reach native code in {assemblyName}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_scan_finds_each_way_of_making_a_temporary_Scalar_and_accepts_the_safe_forms()
    {
        var finder = new TemporaryScalarFinder();

        var unsafeProblems = finder.Find(new[] { typeof(UnsafeScalarUses) });
        var safeProblems = finder.Find(new[] { typeof(SafeScalarUses) });

        foreach (var method in typeof(UnsafeScalarUses).GetMethods().Where(m => m.DeclaringType == typeof(UnsafeScalarUses)))
            Assert.Contains(unsafeProblems, problem => problem.StartsWith($"{typeof(UnsafeScalarUses).FullName}.{method.Name}", StringComparison.Ordinal));
        Assert.True(safeProblems.Count == 0, string.Join("\n", safeProblems));
    }

    // ---------------------------------------------------------------- helpers

    private static float[] Values(Tensor tensor) => tensor.detach().cpu().contiguous().data<float>().ToArray();

    private static void AssertSame(float[] expected, Tensor actual, string name, long iteration) =>
        AssertSame(expected, Values(actual), name, iteration);

    private static void AssertSame(float[] expected, float[] actual, string name, long iteration)
    {
        Assert.True(expected.Length == actual.Length, $"{name} has {actual.Length} values on iteration {iteration}: expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            // Equals, unlike ==, counts NaN as equal to NaN (a metric with no data is NaN in both runs).
            if (!expected[i].Equals(actual[i]))
                Assert.Fail($"{name}[{i}] = {actual[i]} on iteration {iteration} under garbage collection pressure: expected {expected[i]}, as computed without it");
        }
    }

    private static float[] Flatten(IEnumerable<Parameter> parameters) => parameters.SelectMany(Values).ToArray();

    // A tiny continuous-action PPO run: the rollout, GAE, the losses, clipping and Adam, through the trainer's own code.
    private static float[] PpoRun()
    {
        var config = new PpoConfig
        {
            Seed = 3, NumEnvs = 2, NumSteps = 32, NumMinibatches = 2, UpdateEpochs = 2, TotalTimesteps = 64 * 3, HiddenSize = 16, TorchThreads = 1,
        };
        using var env = Envs.Envs.Make("Pendulum-v1", config.NumEnvs, config.Seed, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        using var trainer = new PpoTrainer(env, config);
        var metrics = new List<float>();
        while (trainer.Iteration < config.NumIterations)
        {
            var m = trainer.RunIteration();
            metrics.AddRange(new[] { m.PolicyLoss, m.ValueLoss, m.Entropy, m.ApproxKl, m.ClipFraction, m.ExplainedVariance }.Select(v => (float)v));
        }
        return metrics.Concat(Flatten(trainer.Agent.parameters())).ToArray();
    }

    // A tiny SAC run: sampling, targets, the three losses, the Polyak update and three Adams, through the trainer's own code.
    private static float[] SacRun()
    {
        var config = new SacConfig
        {
            Seed = 3, HiddenSize = 16, BatchSize = 32, LearningStarts = 64, TotalTimesteps = 320, MetricsInterval = 16, TorchThreads = 1,
        };
        using var env = Envs.Envs.Make("Pendulum-v1", config.NumEnvs, config.Seed, new VectorEnvOptions { AutoresetMode = AutoresetMode.SameStep });
        using var trainer = new SacTrainer(env, config);
        var metrics = new List<float>();
        trainer.MetricsReported += m =>
            metrics.AddRange(new[] { m.Qf1Loss, m.Qf2Loss, m.Qf1Values, m.ActorLoss, m.AlphaLoss, m.Alpha }.Select(v => (float)v));
        trainer.Train();
        return metrics.Concat(Flatten(trainer.Agent.parameters())).ToArray();
    }

    /// <summary>Allocates garbage and forces collections, running finalizers, on a background thread until stopped.</summary>
    /// <remarks>Gen-0 collections suffice (a temporary Scalar dies young) and are cheap, so there are thousands of them.</remarks>
    private sealed class GarbageChurn
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _collections;

        public GarbageChurn()
        {
            _thread = new Thread(Churn) { IsBackground = true, Name = "garbage churn" };
            _thread.Start();
        }

        private void Churn()
        {
            var kept = new List<byte[]>();
            while (!_stop)
            {
                for (int i = 0; i < 256; i++) kept.Add(new byte[512]);
                if (kept.Count > 16_384) kept.Clear();
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
                _collections++;
            }
        }

        /// <summary>Stops the thread and returns how many collections it forced.</summary>
        public long Stop()
        {
            _stop = true;
            _thread.Join();
            return _collections;
        }
    }

    /// <summary>Small fixed inputs and one call of each hot-path function on them.</summary>
    private sealed class HotPathWorkload : IDisposable
    {
        private const int Steps = 16, Envs = 4, Batch = 64, ObservationSize = 5, ActionSize = 3;

        private readonly Generator _generator = new(11, CPU);
        private readonly Tensor _rewards, _values, _terminated, _truncated, _finalValues, _nextValues;
        private readonly Tensor _newLogProbs, _oldLogProbs, _advantages, _returns, _newValues, _oldValues, _entropies;
        private readonly Tensor _q1, _q2, _nextLogProbs, _logProbs, _alpha, _logAlpha, _batchRewards, _batchTerminated;
        private readonly Tensor _mean, _rawLogStd, _noise, _scale, _bias, _observations, _policyActions;
        private readonly GaussianPolicy _gaussian;
        private readonly SacActor _actor;
        private readonly Parameter[] _source, _target, _targetStart, _clipped;
        private readonly Tensor[] _gradients;
        private readonly Tensor _adamStart, _adamGradient;

        public HotPathWorkload()
        {
            Tensor Normal(params long[] shape) => randn(shape, generator: _generator);
            // Deterministic episode ends: a few terminated and a few truncated steps, never both at once.
            var terminated = new float[Steps * Envs];
            var truncated = new float[Steps * Envs];
            for (int i = 0; i < terminated.Length; i++)
            {
                if (i % 7 == 3) terminated[i] = 1;
                else if (i % 11 == 5) truncated[i] = 1;
            }
            _rewards = Normal(Steps, Envs);
            _values = Normal(Steps, Envs);
            _terminated = tensor(terminated, new long[] { Steps, Envs });
            _truncated = tensor(truncated, new long[] { Steps, Envs });
            _finalValues = Normal(Steps, Envs);
            _nextValues = Normal(Envs);

            _oldLogProbs = Normal(Batch);
            // Ratios spread widely enough that some are clipped on each side.
            _newLogProbs = _oldLogProbs + Normal(Batch) * 0.3;
            _advantages = Normal(Batch);
            _returns = Normal(Batch);
            _oldValues = Normal(Batch);
            _newValues = _oldValues + Normal(Batch) * 0.3;
            _entropies = Normal(Batch).abs();

            _q1 = Normal(Batch);
            _q2 = Normal(Batch);
            _nextLogProbs = Normal(Batch);
            _logProbs = Normal(Batch);
            _alpha = tensor(new[] { 0.2f });
            _logAlpha = tensor(new[] { -1.6f });
            _batchRewards = Normal(Batch);
            _batchTerminated = tensor(Enumerable.Range(0, Batch).Select(i => i % 5 == 0 ? 1f : 0f).ToArray());

            _mean = Normal(Batch, ActionSize);
            _rawLogStd = Normal(Batch, ActionSize);
            _noise = Normal(Batch, ActionSize);
            _scale = tensor(new[] { 1f, 2f, 0.5f });
            _bias = tensor(new[] { 0f, -1f, 0.25f });
            _observations = Normal(Batch, ObservationSize);
            _policyActions = Normal(Batch, ActionSize);
            _gaussian = new GaussianPolicy(ObservationSize, ActionSize, 8, -0.5, _generator);
            var box = new Box(new[] { -1f, -3f, -0.25f }, new[] { 1f, 1f, 0.75f });
            _actor = new SacActor(ObservationSize, box, 8, _generator);

            _source = new[] { new Parameter(Normal(4, 3)), new Parameter(Normal(3)) };
            _target = new[] { new Parameter(Normal(4, 3), requires_grad: false), new Parameter(Normal(3), requires_grad: false) };
            _targetStart = _target.Select(p => new Parameter(p.detach().clone(), requires_grad: false)).ToArray();
            _clipped = new[] { new Parameter(Normal(4, 3)), new Parameter(Normal(3)) };
            _gradients = new[] { Normal(4, 3) * 2, Normal(3) * 2 };
            _adamStart = Normal(6);
            _adamGradient = Normal(6);
        }

        /// <summary>Every output of one pass, named for failure messages; they belong to the caller's dispose scope.</summary>
        public List<(string Name, Tensor Value)> Run()
        {
            var outputs = new List<(string, Tensor)>();

            var (advantages, returns) = Gae.Compute(_rewards, _values, _terminated, _truncated, _finalValues, _nextValues, 0.99, 0.95);
            outputs.Add(("GAE advantages", advantages));
            outputs.Add(("GAE returns", returns));

            var normalized = PpoLoss.NormalizeAdvantages(_advantages);
            outputs.Add(("normalized advantages", normalized));
            var clipped = PpoLoss.Compute(_newLogProbs, _oldLogProbs, normalized, _returns, _newValues, _oldValues, _entropies,
                0.2, clipValueLoss: true, entropyCoef: 0.01, valueCoef: 0.5);
            outputs.Add(("PPO total loss", clipped.Total));
            outputs.Add(("PPO policy loss", clipped.PolicyLoss));
            outputs.Add(("PPO clipped value loss", clipped.ValueLoss));
            outputs.Add(("PPO old approx KL", clipped.OldApproxKl));
            outputs.Add(("PPO approx KL", clipped.ApproxKl));
            outputs.Add(("PPO clip fraction", clipped.ClipFraction));
            var unclipped = PpoLoss.Compute(_newLogProbs, _oldLogProbs, normalized, _returns, _newValues, _oldValues, _entropies,
                0.2, clipValueLoss: false, entropyCoef: 0.01, valueCoef: 0.5);
            outputs.Add(("PPO unclipped value loss", unclipped.ValueLoss));

            var target = SacLosses.CriticTarget(_batchRewards, _batchTerminated, _q1, _q2, _nextLogProbs, _alpha, 0.99);
            outputs.Add(("SAC critic target", target));
            outputs.Add(("SAC critic loss", SacLosses.CriticLoss(_q1, target)));
            outputs.Add(("SAC actor loss", SacLosses.ActorLoss(_logProbs, _q1, _q2, _alpha)));
            outputs.Add(("SAC alpha loss", SacLosses.AlphaLoss(_logAlpha, _logProbs, -3.0)));

            var logStd = SquashedGaussian.RescaleLogStd(_rawLogStd);
            outputs.Add(("rescaled log-std", logStd));
            var (squashedActions, squashedLogProbs) = SquashedGaussian.Sample(_mean, logStd, _noise, _scale, _bias);
            outputs.Add(("squashed actions", squashedActions));
            outputs.Add(("squashed log-probs", squashedLogProbs));
            outputs.Add(("squashed mean action", SquashedGaussian.MeanAction(_mean, _scale, _bias)));

            _generator.manual_seed(5);
            var (gaussianActions, gaussianLogProbs) = _gaussian.Sample(_observations, _generator);
            outputs.Add(("Gaussian policy actions", gaussianActions));
            outputs.Add(("Gaussian policy log-probs", gaussianLogProbs));
            var (scoredLogProbs, entropies) = _gaussian.Evaluate(_observations, _policyActions);
            outputs.Add(("Gaussian policy scored log-probs", scoredLogProbs));
            outputs.Add(("Gaussian policy entropies", entropies));
            _generator.manual_seed(5);
            var (actorActions, actorLogProbs) = _actor.Sample(_observations, _generator);
            outputs.Add(("SAC actor actions", actorActions));
            outputs.Add(("SAC actor log-probs", actorLogProbs));

            for (int i = 0; i < _clipped.Length; i++) _clipped[i].grad = _gradients[i].clone();
            outputs.Add(("gradient norm", GradientClipping.ClipByGlobalNorm(_clipped, 0.5)));
            for (int i = 0; i < _clipped.Length; i++) outputs.Add(($"clipped gradient {i}", _clipped[i].grad!.clone()));

            PolyakUpdate.Copy(_target, _targetStart);
            PolyakUpdate.Apply(_target, _source, 0.005);
            for (int i = 0; i < _target.Length; i++) outputs.Add(($"Polyak target {i}", _target[i].detach().clone()));

            outputs.Add(("Adam weights", AdamSteps(amsgradAndDecay: false)));
            outputs.Add(("AMSGrad weights with weight decay", AdamSteps(amsgradAndDecay: true)));
            return outputs;
        }

        private Tensor AdamSteps(bool amsgradAndDecay)
        {
            using var weights = new Parameter(_adamStart.clone());
            using var adam = amsgradAndDecay
                ? new Sim.Torch.Optimizers.Adam(new[] { weights }, 0.01, weightDecay: 0.1, amsgrad: true)
                : new Sim.Torch.Optimizers.Adam(new[] { weights }, 0.01);
            weights.grad = _adamGradient.clone();
            for (int step = 0; step < 3; step++) adam.step();
            return weights.detach().clone();
        }

        public void Dispose()
        {
            _gaussian.Dispose();
            _actor.Dispose();
            _generator.Dispose();
        }
    }

    // Each method makes a temporary Scalar in a different way; the scan must report every one. Never called.
    private static class UnsafeScalarUses
    {
        public static Tensor TensorPlusTensor(Tensor a, Tensor b) => a + b;

        public static Tensor TensorTimesNumber(Tensor a) => a * 0.5;

        public static Tensor NumberMinusTensor(Tensor a) => 1 - a;

        public static Tensor ImplicitArgument(Tensor a) => a.gt(0.5);

        public static Tensor SquareMakesItsExponent(Tensor a) => a.square();

        public static Tensor LocalNeverReleased(Tensor a)
        {
            Scalar factor = 0.5.ToScalar();
            return a.mul(factor);
        }

        public static optim.Optimizer TorchSharpAdam(IEnumerable<Parameter> parameters) => optim.Adam(parameters);
    }

    // The forms the learning code uses; the scan must accept every one. Never called.
    private static class SafeScalarUses
    {
        private static readonly Scalar Factor = 0.5.ToScalar();

        public static Tensor StaticField(Tensor a, Tensor b) => a.add(b, Factor);

        public static Tensor UsingLocal(Tensor a, double factor)
        {
            using var scalar = factor.ToScalar();
            return a.mul(scalar);
        }

        public static Tensor KeptAlive(Tensor a, double factor)
        {
            var scalar = factor.ToScalar();
            var product = a.mul(scalar);
            GC.KeepAlive(scalar);
            return product;
        }

        public static Tensor TensorMinusTensor(Tensor a, Tensor b) => a - b;

        public static optim.Optimizer ScalarSafe(IEnumerable<Parameter> parameters) => new Sim.Torch.Optimizers.Adam(parameters);
    }
}
