namespace Sim.MuJoCo.Tests;

public class FreeFallTests
{
    [Fact]
    public void Free_falling_body_follows_semi_implicit_euler_and_the_analytic_parabola()
    {
        using var model = MjModel.FromXmlString(Models.FreeFall);
        using var data = new MjData(model);
        const double g = 9.81, dt = 0.001, z0 = 10.0;
        const int steps = 1000;
        for (int n = 0; n < steps; n++) data.Step();

        // MuJoCo's Euler integrator updates velocity first, then position with the new velocity:
        // v_N = -g N dt,  z_N = z0 - g dt² N(N+1)/2.
        double vExpected = -g * steps * dt;
        double zDiscrete = z0 - g * dt * dt * steps * (steps + 1) / 2.0;
        Assert.Equal(1.0, data.time, 9);
        Assert.Equal(vExpected, data.qvel[2], 9);
        Assert.Equal(zDiscrete, data.qpos[2], 9);

        // The continuous solution z0 - g t²/2 differs from the discrete one by exactly g dt t / 2.
        double t = steps * dt;
        double zAnalytic = z0 - 0.5 * g * t * t;
        Assert.Equal(zAnalytic - 0.5 * g * dt * t, data.qpos[2], 9);
        Assert.InRange(Math.Abs(data.qpos[2] - zAnalytic), 0, 0.5 * g * dt * t + 1e-9);

        // No horizontal motion, orientation unchanged (quaternion w = 1).
        Assert.Equal(0.0, data.qpos[0], 12);
        Assert.Equal(0.0, data.qpos[1], 12);
        Assert.Equal(1.0, data.qpos[3], 12);
    }

    [Fact]
    public void Model_sizes_match_the_model_text()
    {
        using var model = MjModel.FromXmlString(Models.FreeFall);
        Assert.Equal(7, model.nq);
        Assert.Equal(6, model.nv);
        Assert.Equal(0, model.nu);
        Assert.Equal(2, model.nbody);
        Assert.Equal(0.001, model.Timestep);
        Assert.Equal(-9.81, model.opt_gravity[2]);
        using var data = new MjData(model);
        Assert.Equal(7, data.qpos.Length);
        Assert.Equal(6, data.qvel.Length);
        Assert.Equal(2 * 3, data.xpos.Length);
        Assert.Equal(10.0, model.qpos0[2]);
    }
}
