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
/// <item><c>a.add(b, Scalars.One)</c> (or <c>a.Plus(b)</c>) replaces <c>a.add(b)</c> and <c>a + b</c>;
/// <c>a.sub(b)</c> and <c>a - b</c> on two tensors create no scalar and are fine;</item>
/// <item>TorchSharp's tensor-number operators (<c>x * 0.5</c>, <c>1 - x</c>, <c>x / n</c>) convert inside
/// TorchSharp, so they become the helpers below (<c>x.Times(0.5)</c>, <c>Scalars.Minus(1, x)</c>,
/// <c>x.Over(n)</c>), which compute exactly what the operators compute with the scalar held alive.</item>
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

    /// <summary><c>a + b</c> (alpha 1).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a + value</c> (alpha 1), like TorchSharp's <c>a + value</c>.</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.add(s, One);
    }

    /// <summary><c>a * value</c> with a floating scalar.</summary>
    public static Tensor Times(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.mul(s);
    }

    /// <summary><c>a * value</c> with an integral scalar (keeps integer tensors integral).</summary>
    public static Tensor Times(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.mul(s);
    }

    /// <summary><c>a / value</c> with a floating scalar.</summary>
    public static Tensor Over(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.div(s);
    }

    /// <summary><c>a / value</c> with an integral scalar (true division, as TorchSharp's operator).</summary>
    public static Tensor Over(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.div(s);
    }

    /// <summary><c>a - value</c> with a floating scalar.</summary>
    public static Tensor Minus(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.sub(s);
    }

    /// <summary><c>a - value</c> with an integral scalar.</summary>
    public static Tensor Minus(this Tensor a, long value)
    {
        using var s = value.ToScalar();
        return a.sub(s);
    }

    /// <summary><c>value - a</c> as TorchSharp's operator computes it: <c>(-a) + value</c>.</summary>
    public static Tensor Minus(double value, Tensor a)
    {
        using var s = value.ToScalar();
        using var negated = a.negative();
        return negated.add(s, One);
    }

    /// <summary><c>value - a</c> with an integral scalar: <c>(-a) + value</c>.</summary>
    public static Tensor Minus(long value, Tensor a)
    {
        using var s = value.ToScalar();
        using var negated = a.negative();
        return negated.add(s, One);
    }

    /// <summary><c>torch.arange(start, stop)</c> with integral scalars (step 1).</summary>
    public static Tensor Arange(long start, long stop, ScalarType dtype, Device device)
    {
        using var first = start.ToScalar();
        using var end = stop.ToScalar();
        return torch.arange(first, end, One, dtype, device);
    }

    /// <summary><c>torch.arange(stop)</c> with integral scalars (from 0, step 1).</summary>
    public static Tensor Arange(long stop, ScalarType dtype, Device device) => Arange(0, stop, dtype, device);

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
