using System.Diagnostics;

namespace Sim.MuJoCo.Tests;

public class BindingLayoutTests
{
    [Fact]
    public void Library_version_matches_the_generated_layout()
    {
        MjNative.EnsureLoaded();
        Assert.Equal(MjLayout.Version, MjNative.mj_version());
    }

    [Fact]
    public void Known_offsets_and_sizes_of_mujoco_2_2_2()
    {
        // Published facts for 2.2.2 on x86-64, checked independently of the generator.
        Assert.Equal(3280, MjLayout.SizeOfModel);
        Assert.Equal(41176, MjLayout.SizeOfData);
    }

    [Fact]
    public void Committed_bindings_equal_a_fresh_generation_from_the_installed_headers()
    {
        // The bindings are generated with gcc from mjxmacro.h; the test command installs gcc, so
        // this regenerates them and checks nothing drifted (offsets, sizes, fields).
        var root = RepositoryRoot.Find();
        var committed = Path.Combine(root, "src/Sim.MuJoCo/Generated/MjLayout.g.cs");
        var fresh = Path.Combine(Path.GetTempPath(), $"sim-bindgen-{Guid.NewGuid():N}.cs");
        try
        {
            var psi = new ProcessStartInfo("bash", [Path.Combine(root, "tools/bindgen/generate.sh"), fresh])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(psi)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "generate.sh failed: " + errors);
            Assert.Equal(File.ReadAllText(committed), File.ReadAllText(fresh));
        }
        finally
        {
            File.Delete(fresh);
        }
    }
}
