using System;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Per-modality features a <see cref="FusionHead"/> fuses: one pooled vector per text and per image, plus optional token
/// states. The same record is the cache that <see cref="FusionPairEncoder"/> re-fuses for image-text matching.
/// </summary>
/// <param name="TextPooled">Text vectors [N, H_t] (the paper's code: the last layer's CLS state <c>x_t[:, 0]</c>).</param>
/// <param name="ImagePooled">Image vectors [N, H_v] (ViT: final CLS state; ResNet: global average pool).</param>
/// <param name="TextTokens">Optional text token states [N, L, H_t].</param>
/// <param name="TextMask">Optional text attention mask [N, L] (1 = real token).</param>
/// <param name="ImageTokens">Optional image region/patch tokens [N, T, H_v]; required by <see cref="AttentionFusion"/>.</param>
public sealed record FusionFeatures(Tensor TextPooled, Tensor ImagePooled, Tensor? TextTokens = null, Tensor? TextMask = null, Tensor? ImageTokens = null)
{
    /// <summary>N, the number of rows (taken from <see cref="TextPooled"/>).</summary>
    public long BatchSize => TextPooled.shape[0];

    /// <summary>
    /// Pairs image row <c>imageIndex[n]</c> with text row <c>textIndex[n]</c>: text tensors are gathered by
    /// <paramref name="textIndex"/>, image tensors by <paramref name="imageIndex"/>. Gradients flow into the cached rows.
    /// </summary>
    /// <param name="imageIndex">int64 [M] image rows.</param>
    /// <param name="textIndex">int64 [M] text rows.</param>
    /// <returns>Features of the M pairs (new tensors in the caller's dispose scope).</returns>
    public FusionFeatures Select(Tensor imageIndex, Tensor textIndex)
    {
        ArgumentNullException.ThrowIfNull(imageIndex);
        ArgumentNullException.ThrowIfNull(textIndex);
        return new FusionFeatures(
            TextPooled.index_select(0, textIndex),
            ImagePooled.index_select(0, imageIndex),
            TextTokens?.index_select(0, textIndex),
            TextMask?.index_select(0, textIndex),
            ImageTokens?.index_select(0, imageIndex));
    }
}
