using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>What <see cref="LateFusionClassifier"/> returns. Its tensors belong to the caller's dispose scope.</summary>
/// <param name="Logits">Class logits [N, C].</param>
/// <param name="ImageEmbedding">Projected image vectors [N, P], the image input of <see cref="ImageTextContrastiveLoss"/> (unnormalized; the loss normalizes).</param>
/// <param name="TextEmbedding">Projected text vectors [N, P], the text input of <see cref="ImageTextContrastiveLoss"/>.</param>
/// <param name="Fused">The fusion head's output [N, F] before dropout (the repo's <c>mm_features</c>).</param>
/// <param name="Features">The cached per-modality features; <see cref="LateFusionClassifier.PairEncoder"/> re-fuses them for ITM.</param>
public sealed record LateFusionOutput(Tensor Logits, Tensor ImageEmbedding, Tensor TextEmbedding, Tensor Fused, FusionFeatures Features);
