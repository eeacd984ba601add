using System;
using AuxLosses.Models.Internal;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// <see cref="IPairEncoder"/> over cached per-modality features: fuses image row i with text row j by gathering the
/// cached rows and running the <see cref="FusionHead"/> — the encoders are not run again.
/// </summary>
/// <remarks>
/// The paper's code (Sánchez Villegas et al. 2024, <c>MM_Model.forward</c> with <c>tim_inputs</c>) re-runs the dual
/// encoder on the swapped token ids; an encoder's output for a text does not depend on the image it is later paired
/// with, so gathering cached rows gives the same fused vectors (up to dropout noise). Gradients flow into the cached
/// features and through them into the encoders. Like <see cref="LateFusionPairEncoder"/>, but it carries token states
/// and masks too, so attention heads work.
/// </remarks>
public sealed class FusionPairEncoder : IPairEncoder
{
    /// <summary>Creates the encoder.</summary>
    /// <param name="features">The batch's cached features (B rows).</param>
    /// <param name="head">The fusion head to apply to each pair.</param>
    public FusionPairEncoder(FusionFeatures features, FusionHead head)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(head);
        ModelGuard.Floating(features.TextPooled, nameof(features.TextPooled), 2);
        ModelGuard.Floating(features.ImagePooled, nameof(features.ImagePooled), 2);
        ModelGuard.Rows(features.ImagePooled, nameof(features.ImagePooled), features.BatchSize, nameof(features.TextPooled));
        Features = features;
        Head = head;
    }

    /// <summary>The cached features.</summary>
    public FusionFeatures Features { get; }

    /// <summary>The fusion head.</summary>
    public FusionHead Head { get; }

    /// <inheritdoc/>
    public long BatchSize => Features.BatchSize;

    /// <inheritdoc/>
    public Device Device => Features.TextPooled.device;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Indices are not int64 [N] of equal length on the features' device, or lie outside [0, B).</exception>
    public Tensor EncodePairs(Tensor imageIndex, Tensor textIndex)
    {
        CheckIndex(imageIndex, nameof(imageIndex));
        CheckIndex(textIndex, nameof(textIndex));
        if (imageIndex.shape[0] != textIndex.shape[0])
        {
            throw new ArgumentException($"{nameof(textIndex)} must have {nameof(imageIndex)}'s length {imageIndex.shape[0]}, but it has {textIndex.shape[0]}.", nameof(textIndex));
        }

        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Head.call(Features.Select(imageIndex, textIndex)));
    }

    private void CheckIndex(Tensor index, string name)
    {
        ArgumentNullException.ThrowIfNull(index, name);
        if (index.dtype != ScalarType.Int64 || index.dim() != 1 || index.numel() == 0)
        {
            throw new ArgumentException($"{name} must be a non-empty int64 [N] tensor, but it is {index.dtype} {ModelGuard.Shape(index)}.", name);
        }

        ModelGuard.SameDevice(index, name, Features.TextPooled, "the cached features");
        var min = index.min().item<long>();
        var max = index.max().item<long>();
        if (min < 0 || max >= BatchSize)
        {
            throw new ArgumentException($"{name} must lie in [0, {BatchSize}), but its values span [{min}, {max}].", name);
        }
    }
}
