using Sim.Core.Spaces;
using Sim.Learning.Sac;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sim.Learning.Tests.Sac;

/// <summary>Checks soft target updates against hand computation, and that the agent's targets start as copies and then lag.</summary>
public sealed class PolyakUpdateTests
{
    private static float[] Values(Tensor t) => t.detach().cpu().data<float>().ToArray();

    [Fact]
    public void Each_update_moves_the_target_a_fraction_tau_towards_the_source()
    {
        using var target = new Parameter(tensor(new[] { 1f, 2f }), requires_grad: false);
        using var source = new Parameter(tensor(new[] { 3f, -2f }));

        // τ = 0.25: 0.75·1 + 0.25·3 = 1.5 and 0.75·2 + 0.25·(−2) = 1.0
        PolyakUpdate.Apply(new[] { target }, new[] { source }, 0.25);
        Assert.Equal(new[] { 1.5f, 1.0f }, Values(target));

        // again: 0.75·1.5 + 0.75 = 1.875 and 0.75·1 − 0.5 = 0.25
        PolyakUpdate.Apply(new[] { target }, new[] { source }, 0.25);
        var after = Values(target);
        Assert.Equal(1.875, after[0], 6);
        Assert.Equal(0.25, after[1], 6);
        Assert.Equal(new[] { 3f, -2f }, Values(source));
    }

    [Fact]
    public void Mismatched_parameter_lists_are_rejected()
    {
        using var a = new Parameter(zeros(2));
        using var b = new Parameter(zeros(3));
        var ex = Assert.Throws<ArgumentException>(() => PolyakUpdate.Apply(new[] { a }, new[] { b }, 0.5));
        Assert.Contains("shape [2]", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => PolyakUpdate.Apply(new[] { a }, new[] { a }, 1.5));
    }

    [Fact]
    public void Agent_targets_start_equal_to_the_critics_and_follow_them_by_tau()
    {
        using var generator = new Generator(3, CPU);
        using var agent = new SacAgent(3, new Box(1, -2f, 2f), 8, 1.0, generator);
        var critic = agent.Qf1.parameters().ToList();
        var target = agent.Qf1Target.parameters().ToList();
        for (int i = 0; i < critic.Count; i++) Assert.Equal(Values(critic[i]), Values(target[i]));
        Assert.All(target, p => Assert.False(p.requires_grad));

        // Shift the critic by +1 everywhere; with τ = 0.1 the target moves by exactly 0.1.
        var before = target.Select(Values).ToList();
        using (no_grad())
            foreach (var p in critic) p.add_(1.0);
        agent.UpdateTargets(0.1);
        for (int i = 0; i < target.Count; i++)
        {
            var now = Values(target[i]);
            for (int j = 0; j < now.Length; j++) Assert.Equal(before[i][j] + 0.1, now[j], 5);
        }
    }
}
