namespace Sim.MuJoCo.Tests;

public class DivergenceTests
{
    [Fact]
    public void Huge_velocity_is_counted_as_a_bad_qvel_warning_and_data_is_reset()
    {
        MjNative.EnsureLoaded();
        var messages = new List<string>();
        void Collect(string m) { lock (messages) messages.Add(m); }
        MjMessages.Warning += Collect;
        try
        {
            using var model = MjModel.FromXmlString(Models.FreeFall);
            using var data = new MjData(model);
            Assert.Equal(0, data.WarningCount(MjWarning.BadQvel));
            data.qvel[2] = 1e12; // beyond MuJoCo's mjMAXVAL (1e10)
            data.Step();
            Assert.True(data.WarningCount(MjWarning.BadQvel) > 0);
            // MuJoCo resets the state it cannot integrate, so what remains is finite.
            Assert.All(data.qpos.ToArray(), v => Assert.True(double.IsFinite(v)));
            Assert.Contains(messages, m => m.Contains("QVEL", StringComparison.OrdinalIgnoreCase));
            data.Reset();
            Assert.Equal(0, data.WarningCount(MjWarning.BadQvel));
        }
        finally
        {
            MjMessages.Warning -= Collect;
        }
    }
}
