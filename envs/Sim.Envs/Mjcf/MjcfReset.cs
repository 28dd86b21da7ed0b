using Sim.Foundation;

namespace Sim.Envs.Mjcf;

/// <summary>Sets a freshly reset env's qpos and qvel (the model's defaults on entry), drawing from <paramref name="rng"/>,
/// the env's own seeded stream.</summary>
public delegate void MjcfReset(MjModelView model, Span<double> qpos, Span<double> qvel, ref SimRandom rng);
