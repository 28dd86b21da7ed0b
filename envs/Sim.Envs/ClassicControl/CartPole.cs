using System.Numerics;
using System.Runtime.CompilerServices;
using Sim.Core;
using Sim.Core.Registry;
using Sim.Core.Spaces;

namespace Sim.Envs.ClassicControl;

/// <summary>Gymnasium's CartPole-v1: push a cart left (0) or right (1) to keep the pole on it upright.</summary>
/// <remarks>
/// Observation <c>[x, ẋ, θ, θ̇]</c>; reward 1 on every step, the terminating one included; the episode
/// terminates when |x| &gt; 2.4 or |θ| &gt; 12°. This is the env the throughput bar is measured on, so the
/// state is kept as float32 struct-of-arrays columns and stepped a SIMD vector of envs at a time.
/// </remarks>
public sealed class CartPole : VectorEnv
{
    const double Gravity = 9.8;
    const double MassPole = 0.1;
    const double TotalMass = 1.0 + MassPole; // cart + pole
    const double HalfLength = 0.5;
    const double PoleMassLength = MassPole * HalfLength;
    const double ForceMag = 10;
    const double Tau = 0.02;

    /// <summary>|x| beyond which the cart has left the track.</summary>
    public const double XThreshold = 2.4;

    /// <summary>|θ| beyond which the pole has fallen: 12 degrees, in radians.</summary>
    public const double ThetaThreshold = 12 * 2 * Math.PI / 360;

    /// <summary>Half-width of the uniform range every state variable starts in.</summary>
    public const double InitRange = 0.05;

    /// <summary>Registry entry: 500-step episodes, solved at an average return of 475.</summary>
    public static EnvSpec Spec { get; } = new("CartPole-v1", (numEnvs, options) => new CartPole(numEnvs, options),
        MaxEpisodeSteps: 500, RewardThreshold: 475);

    readonly float[] _x, _xDot, _theta, _thetaDot;
    readonly float[] _alive;

    /// <summary>Creates <paramref name="numEnvs"/> cart-poles; call <see cref="VectorEnv.Reset"/> before stepping.</summary>
    public CartPole(int numEnvs, VectorEnvOptions? options = null)
        : base(numEnvs, ObservationBox(), new Discrete(2), options)
    {
        _x = new float[numEnvs];
        _xDot = new float[numEnvs];
        _theta = new float[numEnvs];
        _thetaDot = new float[numEnvs];
        _alive = AddRewardTerm("alive");
    }

    // Twice the termination limits for x and θ, so a terminal observation is still inside the space (as in Gymnasium).
    static Box ObservationBox()
    {
        float xMax = (float)(2 * XThreshold), thetaMax = (float)(2 * ThetaThreshold);
        return new Box([-xMax, -float.MaxValue, -thetaMax, -float.MaxValue], [xMax, float.MaxValue, thetaMax, float.MaxValue]);
    }

    /// <summary>Env <paramref name="env"/>'s state (x, ẋ, θ, θ̇).</summary>
    public (float X, float XDot, float Theta, float ThetaDot) GetState(int env)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        return (_x[env], _xDot[env], _theta[env], _thetaDot[env]);
    }

    /// <summary>Puts env <paramref name="env"/> in a given state (tests, viewers, replays); the next step starts from it,
    /// even if the env was due an autoreset. Not safe to call while <see cref="VectorEnv.Step"/> runs.</summary>
    public void SetState(int env, float x, float xDot, float theta, float thetaDot)
    {
        StateArguments.CheckEnv(env, NumEnvs);
        StateArguments.CheckFinite(x, nameof(x));
        StateArguments.CheckFinite(xDot, nameof(xDot));
        StateArguments.CheckFinite(theta, nameof(theta));
        StateArguments.CheckFinite(thetaDot, nameof(thetaDot));
        _x[env] = x;
        _xDot[env] = xDot;
        _theta[env] = theta;
        _thetaDot[env] = thetaDot;
        ResetPending[env] = false;
        WriteObservation(env);
    }

    protected override void SaveEnvState(BinaryWriter writer)
    {
        writer.WriteArray<float>(_x);
        writer.WriteArray<float>(_xDot);
        writer.WriteArray<float>(_theta);
        writer.WriteArray<float>(_thetaDot);
    }

    protected override void LoadEnvState(BinaryReader reader)
    {
        reader.ReadArray<float>(_x, "CartPole x");
        reader.ReadArray<float>(_xDot, "CartPole x velocity");
        reader.ReadArray<float>(_theta, "CartPole theta");
        reader.ReadArray<float>(_thetaDot, "CartPole theta velocity");
    }

    protected override void ResetEnv(int env)
    {
        ref var rng = ref Rngs[env];
        _x[env] = (float)rng.Uniform(-InitRange, InitRange);
        _xDot[env] = (float)rng.Uniform(-InitRange, InitRange);
        _theta[env] = (float)rng.Uniform(-InitRange, InitRange);
        _thetaDot[env] = (float)rng.Uniform(-InitRange, InitRange);
        WriteObservation(env);
    }

    void WriteObservation(int env)
    {
        var obs = ObservationBuffer.AsSpan(env * 4, 4);
        obs[0] = _x[env];
        obs[1] = _xDot[env];
        obs[2] = _theta[env];
        obs[3] = _thetaDot[env];
    }

    protected override void StepRange(int start, int end)
    {
        // Envs due a reset are stepped too (their result is overwritten): no per-env branch in the dynamics.
        int width = Vector<float>.Count;
        int i = start;
        for (; i + width <= end; i += width)
        {
            StepBlock(ref _x[i], ref _xDot[i], ref _theta[i], ref _thetaDot[i], ref ActionBuffer[i]);
        }
        if (i < end)
        {
            // The last partial block goes through the same vector code on a padded copy: a scalar tail would round
            // differently, and which envs fall in a tail depends on the thread count.
            int n = end - i;
            Span<float> block = stackalloc float[5 * width];
            block.Clear();
            _x.AsSpan(i, n).CopyTo(block);
            _xDot.AsSpan(i, n).CopyTo(block[width..]);
            _theta.AsSpan(i, n).CopyTo(block[(2 * width)..]);
            _thetaDot.AsSpan(i, n).CopyTo(block[(3 * width)..]);
            ActionBuffer.AsSpan(i, n).CopyTo(block[(4 * width)..]);
            StepBlock(ref block[0], ref block[width], ref block[2 * width], ref block[3 * width], ref block[4 * width]);
            block.Slice(0, n).CopyTo(_x.AsSpan(i, n));
            block.Slice(width, n).CopyTo(_xDot.AsSpan(i, n));
            block.Slice(2 * width, n).CopyTo(_theta.AsSpan(i, n));
            block.Slice(3 * width, n).CopyTo(_thetaDot.AsSpan(i, n));
        }

        Publish(start, end);
    }

    // Writes observation rows, rewards and terminal flags from the state columns. Plain indexing here cost almost
    // as much as the dynamics (a bounds check and a field load per array per env), hence the hoisted refs.
    void Publish(int start, int end)
    {
        int count = end - start;
        if (count <= 0) return;
        ref float x = ref _x[start], xDot = ref _xDot[start], theta = ref _theta[start], thetaDot = ref _thetaDot[start];
        ref float obs = ref ObservationBuffer[start * 4];
        ref bool terminated = ref TerminatedBuffer[start];
        for (int i = 0; i < count; i++)
        {
            float xi = Unsafe.Add(ref x, i), thetai = Unsafe.Add(ref theta, i);
            ref float row = ref Unsafe.Add(ref obs, 4 * i);
            row = xi;
            Unsafe.Add(ref row, 1) = Unsafe.Add(ref xDot, i);
            Unsafe.Add(ref row, 2) = thetai;
            Unsafe.Add(ref row, 3) = Unsafe.Add(ref thetaDot, i);
            Unsafe.Add(ref terminated, i) = Math.Abs((double)xi) > XThreshold | Math.Abs((double)thetai) > ThetaThreshold;
        }
        RewardBuffer.AsSpan(start, count).Fill(1f);
        _alive.AsSpan(start, count).Fill(1f);
    }

    // Steps Vector<float>.Count envs in place. The state is float32, but the step is computed in double as
    // Gymnasium computes it, so one step differs from Gymnasium's only by the rounding of the stored state.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StepBlock(ref float x, ref float xDot, ref float theta, ref float thetaDot, ref float action)
    {
        Vector.Widen(Vector.LoadUnsafe(ref x), out var x0, out var x1);
        Vector.Widen(Vector.LoadUnsafe(ref xDot), out var xDot0, out var xDot1);
        Vector.Widen(Vector.LoadUnsafe(ref theta), out var theta0, out var theta1);
        Vector.Widen(Vector.LoadUnsafe(ref thetaDot), out var thetaDot0, out var thetaDot1);
        Vector.Widen(Vector.LoadUnsafe(ref action), out var action0, out var action1);
        EulerStep(ref x0, ref xDot0, ref theta0, ref thetaDot0, action0);
        EulerStep(ref x1, ref xDot1, ref theta1, ref thetaDot1, action1);
        Vector.Narrow(x0, x1).StoreUnsafe(ref x);
        Vector.Narrow(xDot0, xDot1).StoreUnsafe(ref xDot);
        Vector.Narrow(theta0, theta1).StoreUnsafe(ref theta);
        Vector.Narrow(thetaDot0, thetaDot1).StoreUnsafe(ref thetaDot);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void EulerStep(ref Vector<double> x, ref Vector<double> xDot, ref Vector<double> theta, ref Vector<double> thetaDot, Vector<double> action)
    {
        // Actions were validated as 0 or 1, so 2a − 1 is exactly ±1.
        var force = new Vector<double>(ForceMag) * (action + action - Vector<double>.One);
        VectorTrig.SinCos(theta, out var sin, out var cos);
        // Dividing by the total mass is a multiplication by its reciprocal: off from Gymnasium's division by an ulp
        // of a double at most, far below the float32 rounding of the state, and divisions are the slow part.
        var inverseMass = new Vector<double>(1 / TotalMass);
        var poleMassLength = new Vector<double>(PoleMassLength);
        var temp = (force + poleMassLength * thetaDot * thetaDot * sin) * inverseMass;
        var thetaAcc = (new Vector<double>(Gravity) * sin - cos * temp)
            / (new Vector<double>(HalfLength) * (new Vector<double>(4.0 / 3.0) - new Vector<double>(MassPole) * cos * cos * inverseMass));
        var xAcc = temp - poleMassLength * thetaAcc * cos * inverseMass;
        var tau = new Vector<double>(Tau);
        x += tau * xDot;
        xDot += tau * xAcc;
        theta += tau * thetaDot;
        thetaDot += tau * thetaAcc;
    }
}
