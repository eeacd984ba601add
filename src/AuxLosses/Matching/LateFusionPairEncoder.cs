using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Pair encoder for late-fusion models: the image and text encoders ran once on the batch, and any (image i, text j)
/// pair is fused by gathering row i of the cached image features and row j of the cached text features and running
/// the user's fusion module on them — no encoder re-run.
/// </summary>
/// <remarks>
/// The paper's late-fusion code (Sánchez Villegas et al., EACL Findings 2024, <c>MM_Model.forward</c> with
/// <c>tim_inputs</c>) re-encodes the swapped token ids with the same encoders and fuses them with the original
/// images; since an encoder's output for a text does not depend on which image it is later paired with, gathering the
/// cached rows gives the same fused vectors (up to dropout noise) for a fraction of the cost. Gradients flow through
/// the gathered rows into both cached feature tensors (and so into the encoders that produced them).
/// </remarks>
public sealed class LateFusionPairEncoder : IPairEncoder
{
    private readonly Func<Tensor, Tensor, Tensor> fuse;

    /// <summary>Creates the encoder over cached features and a fusion module.</summary>
    /// <param name="image">Image features <c>[B, ...]</c> (e.g. <c>[B, D]</c> pooled or <c>[B, L, D]</c> tokens), floating point.</param>
    /// <param name="text">Text features <c>[B, ...]</c> with the same B, on the same device.</param>
    /// <param name="fusion">Maps (image rows, text rows) to fused <c>[N, H]</c>, e.g. the paper's <c>ReLU(Linear(cat(x_t, x_v)))</c>.</param>
    /// <exception cref="ArgumentException">Not floating point, empty, different B or device; the message names the argument.</exception>
    public LateFusionPairEncoder(Tensor image, Tensor text, nn.Module<Tensor, Tensor, Tensor> fusion)
        : this(image, text, (fusion ?? throw new ArgumentNullException(nameof(fusion))).call)
    {
    }

    /// <summary>Creates the encoder over cached features and a fusion function.</summary>
    /// <param name="image">Image features <c>[B, ...]</c>, floating point.</param>
    /// <param name="text">Text features <c>[B, ...]</c> with the same B, on the same device.</param>
    /// <param name="fusion">Maps (image rows, text rows) to fused <c>[N, H]</c>.</param>
    /// <exception cref="ArgumentException">Not floating point, empty, different B or device; the message names the argument.</exception>
    public LateFusionPairEncoder(Tensor image, Tensor text, Func<Tensor, Tensor, Tensor> fusion)
    {
        ArgumentNullException.ThrowIfNull(fusion);
        TensorGuard.Features(image, nameof(image));
        TensorGuard.Features(text, nameof(text));
        if (text.shape[0] != image.shape[0])
        {
            throw new ArgumentException(
                $"{nameof(text)} must have one row per image ({image.shape[0]}), but its shape is {TensorGuard.Shape(text)} and {nameof(image)} is {TensorGuard.Shape(image)}.",
                nameof(text));
        }

        TensorGuard.SameDevice(image, nameof(image), text, nameof(text));
        Image = image;
        Text = text;
        fuse = fusion;
    }

    /// <summary>The cached image features <c>[B, ...]</c>.</summary>
    public Tensor Image { get; }

    /// <summary>The cached text features <c>[B, ...]</c>.</summary>
    public Tensor Text { get; }

    /// <inheritdoc/>
    public long BatchSize => Image.shape[0];

    /// <inheritdoc/>
    public Device Device => Image.device;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Bad indices or a fusion output that is not <c>[N, H]</c>; the message names the argument.</exception>
    public Tensor EncodePairs(Tensor imageIndex, Tensor textIndex)
    {
        PairIndexGuard.Indices(imageIndex, nameof(imageIndex), textIndex, nameof(textIndex), BatchSize, Device);
        using var scope = NewDisposeScope();
        var fused = fuse(Image.index_select(0, imageIndex), Text.index_select(0, textIndex));
        PairIndexGuard.Fused(fused, "fusion output", imageIndex.shape[0]);
        return scope.MoveToOuter(fused);
    }
}
