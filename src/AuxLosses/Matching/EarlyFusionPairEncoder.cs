using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Pair encoder for early-fusion (single-stream or cross-attention) models, where a pair's representation needs a
/// forward pass over the raw image and text together: the user's pair model receives the requested image and text
/// row indices, gathers its own raw inputs (pixels, token ids, masks, ...) and runs only on those rows.
/// </summary>
/// <remarks>
/// This is how ALBEF/BLIP score hard negatives: the fusion encoder is re-run on (image_embeds[j], text i) for the
/// sampled j. The pair model is called once per <see cref="EncodePairs"/> with all N pairs.
/// </remarks>
public sealed class EarlyFusionPairEncoder : IPairEncoder
{
    private readonly Func<Tensor, Tensor, Tensor> pairModel;

    /// <summary>Creates the encoder over a pair model given as a module.</summary>
    /// <param name="batchSize">B, the number of image-text pairs in the batch.</param>
    /// <param name="pairModel">Maps (imageIndex [N], textIndex [N]) to fused <c>[N, H]</c>.</param>
    /// <param name="device">Where index tensors live (the raw inputs' device); default CPU.</param>
    public EarlyFusionPairEncoder(long batchSize, nn.Module<Tensor, Tensor, Tensor> pairModel, Device? device = null)
        : this(batchSize, (pairModel ?? throw new ArgumentNullException(nameof(pairModel))).call, device)
    {
    }

    /// <summary>Creates the encoder over a pair model given as a function.</summary>
    /// <param name="batchSize">B, the number of image-text pairs in the batch.</param>
    /// <param name="pairModel">Maps (imageIndex [N], textIndex [N]) to fused <c>[N, H]</c>.</param>
    /// <param name="device">Where index tensors live (the raw inputs' device); default CPU.</param>
    public EarlyFusionPairEncoder(long batchSize, Func<Tensor, Tensor, Tensor> pairModel, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(pairModel);
        BatchSize = batchSize;
        this.pairModel = pairModel;
        Device = device ?? CPU;
    }

    /// <inheritdoc/>
    public long BatchSize { get; }

    /// <inheritdoc/>
    public Device Device { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Bad indices or a model output that is not <c>[N, H]</c>; the message names the argument.</exception>
    public Tensor EncodePairs(Tensor imageIndex, Tensor textIndex)
    {
        PairIndexGuard.Indices(imageIndex, nameof(imageIndex), textIndex, nameof(textIndex), BatchSize, Device);
        using var scope = NewDisposeScope();
        var fused = pairModel(imageIndex, textIndex);
        PairIndexGuard.Fused(fused, "pair model output", imageIndex.shape[0]);
        return scope.MoveToOuter(fused);
    }
}
