namespace Sim.Labeling;

/// <summary>Where labeling stands, as the page and the console's progress line show it.</summary>
/// <param name="Labels">Answers people have given (retracted ones not counted).</param>
/// <param name="Queue">Pairs that still need answers (gold pairs not counted).</param>
/// <param name="ReadyQueue">Of those, pairs whose clips are rendered.</param>
/// <param name="Budget">Answers wanted in all.</param>
/// <param name="Labelers">Labelers with a token.</param>
public sealed record LabelingProgress(long Labels, long Queue, long ReadyQueue, long Budget, int Labelers);
