using Sim.Core;
using Sim.Foundation;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;
using Sim.MuJoCo;

namespace Sim.Envs.Tests.MuJoCo;

/// <summary>The &lt;size&gt; of every MuJoCo task's MJCF leaves room: random rollouts use under half of the stack,
/// contact and constraint arrays, and MuJoCo never reports them full.</summary>
/// <remarks>
/// The sizes are kept small so that thousands of envs fit in memory, so they must be guarded: a full stack makes
/// MuJoCo abort the process, and full contact or constraint arrays silently drop contacts (ContactFull and
/// ConstraintFull warnings). MuJoCo clears its usage peaks and warning counts at each reset, so they are read after
/// every step.
/// </remarks>
public class MemoryBudgetTests
{
    public static TheoryData<string> MuJoCoIds()
    {
        var ids = new TheoryData<string>();
        foreach (var id in Envs.Registry.Ids)
        {
            using var env = Envs.Registry.Spec(id).Factory(1, VectorEnvOptions.Default);
            if (env is MuJoCoVectorEnv) ids.Add(id);
        }
        return ids;
    }

    [Theory]
    [MemberData(nameof(MuJoCoIds))]
    public void Random_rollouts_use_under_half_of_the_stack_contacts_and_constraint_rows(string id)
    {
        const int numEnvs = 4, steps = 1000;
        using var env = Envs.Make(id, numEnvs, seed: 13);
        var physics = env as MuJoCoVectorEnv ?? ((VectorEnvWrapper)env).Find<MuJoCoVectorEnv>()!;
        var model = physics.Model;
        int actionSize = env.SingleActionSpace.FlatSize;
        var actions = new float[numEnvs * actionSize];
        var rng = new SimRandom(29);
        int stack = 0, contacts = 0, rows = 0, episodes = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < numEnvs; i++) env.SingleActionSpace.Sample(ref rng, actions.AsSpan(i * actionSize, actionSize));
            env.Step(actions);
            for (int i = 0; i < numEnvs; i++)
            {
                var data = physics.Data(i);
                stack = Math.Max(stack, data.maxuse_stack);
                contacts = Math.Max(contacts, data.maxuse_con);
                rows = Math.Max(rows, data.maxuse_efc);
                Assert.True(data.WarningCount(MjWarning.ContactFull) == 0, $"{id}: env {i} ran out of contacts (nconmax = {model.nconmax}) at step {t}");
                Assert.True(data.WarningCount(MjWarning.ConstraintFull) == 0, $"{id}: env {i} ran out of constraint rows (njmax = {model.njmax}) at step {t}");
                episodes += env.Terminated[i] || env.Truncated[i] ? 1 : 0;
            }
        }
        Assert.True(stack < model.nstack / 2, $"{id}: maxuse_stack = {stack} of nstack = {model.nstack}: expected under half");
        Assert.True(contacts < model.nconmax / 2, $"{id}: maxuse_con = {contacts} of nconmax = {model.nconmax}: expected under half");
        Assert.True(rows < model.njmax / 2, $"{id}: maxuse_efc = {rows} of njmax = {model.njmax}: expected under half");
        // The peaks mean something only if they were read and the rollout crossed resets (time limits are at most 1000 steps).
        Assert.True(stack > 0, $"{id}: maxuse_stack stayed 0, so the peaks were not read");
        Assert.True(episodes > 0, $"{id}: no episode ended in {steps} steps");
    }
}
