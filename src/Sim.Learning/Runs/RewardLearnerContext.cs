using Sim.Core;

namespace Sim.Learning.Runs;

/// <summary>What a reward source needs to create a training run's learner.</summary>
/// <param name="Run">The run (its folder holds the learner's files).</param>
/// <param name="Env">The registry's env beneath every wrapper, whose sizes and physics states the learner sees.</param>
/// <param name="Settings">The algorithm's seed, env count, device and step budget.</param>
/// <param name="FirstUpdateStep">The algorithm's earliest step for a reward update (<see cref="IRunAlgorithm.FirstRewardUpdateStep"/>).</param>
/// <param name="PretrainsUnsupervised">Whether the algorithm explores on an unsupervised bonus before the first update.</param>
public sealed record RewardLearnerContext(RunDefinition Run, IVectorEnv Env, AlgorithmSettings Settings, long FirstUpdateStep, bool PretrainsUnsupervised);
