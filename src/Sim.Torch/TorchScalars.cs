using TorchSharp;

namespace Sim.Torch;

/// <summary>Fixed <see cref="Scalar"/> constants that live as long as the process, for passing to TorchSharp's explicit overloads.</summary>
/// <remarks>
/// <para>TorchSharp 0.107 turns every number given to a tensor method into a finalizable <see cref="Scalar"/>, and several
/// methods make one of their own: <c>a + b</c> is <c>a.add(b, 1)</c>, <c>a.add_(b)</c> is <c>a.add_(b, 1)</c>,
/// <c>square()</c> is <c>pow(2)</c>, and <c>2 - a</c> is <c>a.neg().add(2)</c> (whose alpha is another hidden 1). Once
/// its native handle has been read nothing references such a temporary, so a garbage collection on any thread may
/// finalize it, freeing the native c10::Scalar while libtorch is still reading it. That corrupts the arithmetic or throws
/// "Expected false to be true ... toFloat" from c10/core/Scalar.h, typically hundreds of thousands of steps into a run.</para>
/// <para>So code in Sim.Torch, Sim.Rewards, Sim.Learning and Sim.Alignment never hands libtorch a temporary Scalar: fixed numbers come from here (static fields are
/// never collected, and must never be disposed), values known only at run time are held in a <c>using</c> local for the
/// duration of the calls that use them, and <c>Tensor + Tensor</c> is written <c>a.add(b, One)</c>. <c>Tensor - Tensor</c>,
/// <c>Tensor * Tensor</c> and <c>Tensor / Tensor</c> make no Scalar and need no care. TorchSharp's own <c>Adam.step</c>
/// makes temporaries too, so the trainers use <see cref="Optimizers.Adam"/>. A test scans those assemblies' IL for any
/// other way in.</para>
/// </remarks>
public static class TorchScalars
{
    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>The integer 1: the alpha of a plain addition (the same alpha TorchSharp's <c>add(Tensor)</c> uses, valid for every dtype).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 2: the exponent of a square (what TorchSharp's <c>square()</c> passes to <c>pow</c>).</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>0.5: the threshold that turns a 0/1 float flag into a bool.</summary>
    public static readonly Scalar OneHalf = 0.5.ToScalar();

    /// <summary>−0.5: the factor of the squared z-score in a Gaussian log-density.</summary>
    public static readonly Scalar MinusOneHalf = (-0.5).ToScalar();

    /// <summary>A float NaN, to fill tensors whose value is undefined.</summary>
    public static readonly Scalar NaN = float.NaN.ToScalar();
}
