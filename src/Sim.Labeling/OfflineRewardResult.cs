using Sim.Rewards.Ensembles;

namespace Sim.Labeling;

/// <summary>What <see cref="OfflineRewardTrainer.Train"/> did.</summary>
/// <param name="TrainingLabels">Answers trained on (Left, Right or Equal).</param>
/// <param name="HeldOutLabels">Answers held out (their pairs never trained on).</param>
/// <param name="Labelers">Distinct labelers among all the answers used.</param>
/// <param name="Report">The reward core's report of the training round; its held-out accuracy is on <paramref name="HeldOutLabels"/>.</param>
public sealed record OfflineRewardResult(int TrainingLabels, int HeldOutLabels, int Labelers, RewardTrainingReport Report);
