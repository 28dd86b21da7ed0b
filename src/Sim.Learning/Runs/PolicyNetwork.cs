using static TorchSharp.torch;

namespace Sim.Learning.Runs;

/// <summary>A policy module as an algorithm hands it out for acting: the module whose weights it holds, its
/// deterministic action (the Gaussian's mean, the most likely choice, SAC's tanh of the mean), and what keeps it alive.</summary>
/// <param name="Module">The module whose weights are the policy's (what snapshots copy).</param>
/// <param name="Act">Observations (normalised as in training) on <paramref name="Device"/> to actions.</param>
/// <param name="Device">Where the module lives.</param>
/// <param name="Owner">Disposed with the policy: the trainer or agent holding the module.</param>
public sealed record PolicyNetwork(nn.Module Module, Func<Tensor, Tensor> Act, Device Device, IDisposable Owner);
