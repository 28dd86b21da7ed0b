using System.Diagnostics;
using System.Runtime.CompilerServices;
using Sim.Viewer.Native;

namespace Sim.Viewer.Tests;

public class BindingLayoutTests
{
    [Fact]
    public void Struct_sizes_are_those_of_mujoco_2_2_2_on_x86_64()
    {
        // Published in the design notes for 2.2.2 x86-64, independent of the generator.
        Assert.Equal(8656, MjvLayout.SizeOfScene);
        Assert.Equal(2304, MjvLayout.SizeOfContext);
        Assert.Equal(64, MjvLayout.SizeOfCamera);
        Assert.Equal(68, MjvLayout.SizeOfOption);
        Assert.Equal(104, MjvLayout.SizeOfPerturb);
        Assert.Equal(248, MjvLayout.SizeOfGeom);
        Assert.Equal(16, MjvLayout.SizeOfRect);
    }

    [Fact]
    public void Csharp_structs_have_the_native_sizes()
    {
        Assert.Equal(MjvLayout.SizeOfCamera, Unsafe.SizeOf<MjvCamera>());
        Assert.Equal(MjvLayout.SizeOfOption, Unsafe.SizeOf<MjvOption>());
        Assert.Equal(MjvLayout.SizeOfPerturb, Unsafe.SizeOf<MjvPerturb>());
        Assert.Equal(MjvLayout.SizeOfGeom, Unsafe.SizeOf<MjvGeom>());
        Assert.Equal(MjvLayout.SizeOfRect, Unsafe.SizeOf<MjrRect>());
    }

    [Fact]
    public unsafe void Default_camera_written_by_mujoco_reads_back_through_the_layout()
    {
        // mjv_defaultCamera documents: free camera, no fixed camera or tracked body, distance 2, azimuth 90, elevation -45.
        MjvCamera camera;
        MjvNative.mjv_defaultCamera(&camera);
        Assert.Equal(0, camera.type);
        Assert.Equal(-1, camera.fixedcamid);
        Assert.Equal(-1, camera.trackbodyid);
        Assert.Equal(2.0, camera.distance);
        Assert.Equal(90.0, camera.azimuth);
        Assert.Equal(-45.0, camera.elevation);
    }

    [Fact]
    public void Committed_bindings_equal_a_fresh_generation_from_the_installed_headers()
    {
        var root = RepositoryRoot.Find();
        var committed = Path.Combine(root, "src/Sim.Viewer/Generated/MjvLayout.g.cs");
        var fresh = Path.Combine(Path.GetTempPath(), $"sim-vizbindgen-{Guid.NewGuid():N}.cs");
        try
        {
            var psi = new ProcessStartInfo("bash", [Path.Combine(root, "tools/vizbindgen/generate.sh"), fresh])
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
