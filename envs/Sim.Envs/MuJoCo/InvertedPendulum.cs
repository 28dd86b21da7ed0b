using Sim.Core;
using Sim.Foundation;
using Sim.Core.Registry;
using Sim.Core.Spaces;
using Sim.MuJoCo;

namespace Sim.Envs.MuJoCo;

/// <summary>Gymnasium's InvertedPendulum-v5 (<c>InvertedPendulum-v5</c>, alias <c>InvertedPendulum-v1</c>): push a cart so that its hinged pole stays upright.</summary>
/// <remarks>
/// Observation: <c>qpos</c> (cart position, pole angle) and <c>qvel</c>: 4 values. Action: the cart force in
/// [−3, 3] (gear 100). Reward 1 for every step that does not terminate, 0 for the step that does (v5's rule),
/// reported as <c>reward_survive</c>. The episode terminates when |pole angle| &gt; 0.2 rad or the observation is
/// not finite. Reset: qpos and qvel each get uniform noise in ±<c>resetNoiseScale</c>.
/// </remarks>
public sealed class InvertedPendulum : MuJoCoVectorEnv
{
    /// <summary>Physics steps of 20 ms per env step.</summary>
    public const int DefaultFrameSkip = 2;

    /// <summary>|pole angle| beyond which the pole counts as fallen, rad.</summary>
    public const double MaxPoleAngle = 0.2;

    /// <summary>Registry entry: 1000-step episodes, solved at a return of 950.</summary>
    public static EnvSpec Spec { get; } = new("InvertedPendulum-v5", (numEnvs, options) => new InvertedPendulum(numEnvs, options),
        MaxEpisodeSteps: 1000, RewardThreshold: 950) { ArgumentFactory = FromArguments };

    /// <summary>Builds pendulums from Gymnasium v5's keyword arguments; unknown keys and bad values are errors.</summary>
    public static InvertedPendulum FromArguments(int numEnvs, VectorEnvOptions options, EnvArguments a)
    {
        string? xmlFile = a.File("xml_file");
        int frameSkip = a.Int("frame_skip", DefaultFrameSkip, min: 1);
        double noise = a.Double("reset_noise_scale", 0.01);
        a.ThrowIfUnused();
        return new InvertedPendulum(numEnvs, options, noise, xmlFile, frameSkip);
    }

    const int HingeQpos = 1;

    readonly double _resetNoiseScale;
    readonly float[] _surviveReward;

    /// <summary>Creates <paramref name="numEnvs"/> pendulums; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    /// <param name="numEnvs">Number of envs.</param>
    /// <param name="options">Threads and autoreset mode.</param>
    /// <param name="resetNoiseScale">Half-width of the uniform noise added to qpos and qvel at reset.</param>
    /// <param name="xmlFile">An MJCF file to use instead of the shipped model (Gymnasium's <c>xml_file</c>).</param>
    /// <param name="frameSkip">Physics steps per env step.</param>
    public InvertedPendulum(int numEnvs, VectorEnvOptions? options = null, double resetNoiseScale = 0.01, string? xmlFile = null,
        int frameSkip = DefaultFrameSkip)
        : base(EnvAssets.LoadModel(xmlFile, "inverted_pendulum.xml"), numEnvs, frameSkip, Box.Unbounded(4), new Box(1, -3f, 3f), options)
    {
        if (!(resetNoiseScale >= 0))
            throw new ArgumentOutOfRangeException(nameof(resetNoiseScale), resetNoiseScale, "expected a non-negative noise scale");
        _resetNoiseScale = resetNoiseScale;
        _surviveReward = AddRewardTerm("survive");
    }

    protected override void ResetModel(MjData data, ref SimRandom rng)
    {
        SetWithUniformNoise(data.qpos, InitQpos, _resetNoiseScale, ref rng);
        SetWithUniformNoise(data.qvel, InitQvel, _resetNoiseScale, ref rng);
    }

    protected override void WriteObservation(int env, MjData data, Span<float> observation)
    {
        var qpos = data.qpos;
        var qvel = data.qvel;
        observation[0] = (float)qpos[0];
        observation[1] = (float)qpos[1];
        observation[2] = (float)qvel[0];
        observation[3] = (float)qvel[1];
    }

    protected override float ComputeReward(int env, MjData data, ReadOnlySpan<float> action, out bool terminated)
    {
        var observation = ObservationBuffer.AsSpan(env * ObservationSize, ObservationSize);
        bool finite = true;
        foreach (float x in observation) finite &= float.IsFinite(x);
        terminated = !finite || Math.Abs(data.qpos[HingeQpos]) > MaxPoleAngle;
        float reward = terminated ? 0f : 1f;
        _surviveReward[env] = reward;
        return reward;
    }
}
