using TorchSharp;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Constant <see cref="Scalar"/>s held by static fields. A TorchSharp <see cref="Scalar"/> is a finalizable wrapper of a
/// native pointer that no dispose scope tracks: passed as a temporary (<c>x * 0.0</c>, or the implicit alpha of
/// <c>a + b</c>), the finalizer may free it while the native op still reads it. Statics are never collected; values
/// that vary are passed as <c>using</c> locals instead.
/// </summary>
internal static class TrainingScalars
{
    /// <summary>
    /// The integer 1: the alpha of a plain sum <c>a.add(b, One)</c> or <c>a.add_(s, One)</c> (what <c>a + b</c>,
    /// <c>add(b)</c> and <c>add_(s)</c> create as a temporary).
    /// </summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The double 0.</summary>
    public static readonly Scalar Zero = 0.0.ToScalar();
}
