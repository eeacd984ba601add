using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Produces the fused representation of arbitrary image-text pairs of one batch, the input of an <see cref="ItmHead"/>.
/// <see cref="LateFusionPairEncoder"/> re-fuses cached per-modality features; <see cref="EarlyFusionPairEncoder"/>
/// re-runs a pair model. Implement it for any other architecture.
/// </summary>
public interface IPairEncoder
{
    /// <summary>B, the number of image-text pairs in the batch; valid indices lie in [0, B).</summary>
    long BatchSize { get; }

    /// <summary>The device on which index tensors are expected.</summary>
    Device Device { get; }

    /// <summary>Fuses image <c>imageIndex[n]</c> with text <c>textIndex[n]</c> for every n.</summary>
    /// <param name="imageIndex">int64 <c>[N]</c> image rows in [0, B).</param>
    /// <param name="textIndex">int64 <c>[N]</c> text rows in [0, B).</param>
    /// <returns>Floating-point <c>[N, H]</c> fused representations, differentiable w.r.t. the encoder.</returns>
    Tensor EncodePairs(Tensor imageIndex, Tensor textIndex);
}
