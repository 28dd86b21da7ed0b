namespace Sim.MuJoCo.Tests;

/// <summary>Small MJCF models written for the tests.</summary>
static class Models
{
    /// <summary>A 1 kg sphere on a free joint, no floor, Euler integration at 1 ms.</summary>
    public const string FreeFall = """
        <mujoco model="free_fall">
          <option timestep="0.001" gravity="0 0 -9.81" integrator="Euler"/>
          <worldbody>
            <body name="ball" pos="0 0 10">
              <freejoint name="ball_free"/>
              <geom name="ball_geom" type="sphere" size="0.1" mass="1"/>
            </body>
          </worldbody>
        </mujoco>
        """;

    /// <summary>A slider with a motor, to check controls and names.</summary>
    public const string Slider = """
        <mujoco model="slider">
          <option timestep="0.01" gravity="0 0 0"/>
          <worldbody>
            <body name="cart">
              <joint name="slide" type="slide" axis="1 0 0"/>
              <geom type="box" size="0.1 0.1 0.1" mass="2"/>
            </body>
          </worldbody>
          <actuator>
            <motor name="push" joint="slide" gear="1"/>
          </actuator>
        </mujoco>
        """;
}
