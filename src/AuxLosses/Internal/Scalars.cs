using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// Cached <see cref="Scalar"/> constants, and the rule for every other scalar argument.
/// </summary>
/// <remarks>
/// TorchSharp's <see cref="Scalar"/> is a finalizable class over a raw native pointer (no SafeHandle) that no
/// dispose scope tracks. A temporary one - an implicit conversion such as <c>x.mul(0.5)</c>, or the alpha that
/// <c>Tensor.add(Tensor)</c> (and so <c>a + b</c>) creates internally - is dead to the JIT as soon as its handle
/// has been read, so the finalizer thread can free the native <c>c10::Scalar</c> while the native op still
/// reads it ("Expected false to be true ... toFloat at c10/core/Scalar.h"). Hence, in this library:
/// <list type="bullet">
/// <item>constants come from the static fields here: statics are always reachable, never finalized, and
/// libtorch only reads them, so sharing them across threads is safe;</item>
/// <item>a variable value is wrapped in a local that outlives the call: <c>using var scale = value.ToScalar();
/// x.mul(scale)</c> - the <c>Dispose</c> at the end of the scope keeps the local alive past the native call;</item>
/// <item><c>a.add(b, Scalars.One)</c> replaces <c>a.add(b)</c> and <c>a + b</c>; <c>a.sub(b)</c> and
/// <c>a - b</c> on two tensors create no scalar and are fine.</item>
/// </list>
/// tests/AuxLosses.Models.Tests/ScalarLifetime/ScalarLifetimeTests.cs enforces this over both source trees.
/// </remarks>
internal static class Scalars
{
    /// <summary>0 (integral, so it also suits integer tensors).</summary>
    public static readonly Scalar Zero = 0L.ToScalar();

    /// <summary>1 (integral; the usual <c>alpha</c>).</summary>
    public static readonly Scalar One = 1L.ToScalar();

    /// <summary>-1 (integral).</summary>
    public static readonly Scalar MinusOne = (-1L).ToScalar();

    /// <summary>2 (integral).</summary>
    public static readonly Scalar Two = 2L.ToScalar();

    /// <summary>3 (integral).</summary>
    public static readonly Scalar Three = 3L.ToScalar();

    /// <summary>0.0.</summary>
    public static readonly Scalar ZeroF = 0.0.ToScalar();

    /// <summary>1.0.</summary>
    public static readonly Scalar OneF = 1.0.ToScalar();

    /// <summary>0.5.</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>2.0.</summary>
    public static readonly Scalar TwoF = 2.0.ToScalar();

    /// <summary>-2.0.</summary>
    public static readonly Scalar MinusTwoF = (-2.0).ToScalar();

    /// <summary>Negative infinity, for masking logits before a softmax or log-sum-exp.</summary>
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary>
    /// <paramref name="value"/> as a double, keeping the intermediate scalar alive for the native read
    /// (TorchSharp's <c>Tensor.ToDouble()</c> lets it go before the read).
    /// </summary>
    public static double ToDouble(Tensor value)
    {
        using var scalar = value.ToScalar();
        return scalar.ToDouble();
    }
}
