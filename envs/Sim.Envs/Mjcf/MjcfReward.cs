namespace Sim.Envs.Mjcf;

/// <summary>Writes the reward terms of one env step into <paramref name="terms"/> (in the order of the task's term names);
/// the reward is their sum, and each is an info column <c>reward_&lt;name&gt;</c>.</summary>
public delegate void MjcfReward(MjModelView model, MjDataView data, ReadOnlySpan<float> action, Span<double> terms);
