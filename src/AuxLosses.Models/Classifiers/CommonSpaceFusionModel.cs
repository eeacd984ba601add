using System;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Common-space fusion of Duong, Lebret and Aberer (arXiv:1708.02099, 2017): the <see cref="JointFusionModel"/>
/// architecture trained with an auxiliary loss that makes the text and image vectors of a post close in the common
/// space (and far from other posts'), so that one modality can stand in for the other at test time.
/// <code>
/// L = CE(logits, y) + λ · CommonSpaceLoss(v_v, v_t [, y])      (over posts that have both modalities)
/// </code>
/// </summary>
/// <remarks>
/// Missing modalities work as in <see cref="JointFusionModel"/> (null inputs or per-row masks); <see cref="AuxiliaryLoss"/>
/// uses only the rows that have both. The margin/ranking form is <see cref="AuxLosses.CommonSpaceLoss"/>'s (see its
/// provenance note).
/// </remarks>
public sealed class CommonSpaceFusionModel : nn.Module<Tensor?, Tensor?, Tensor?, PooledFusionOutput>
{
    private readonly PooledFusionCore core;
    private readonly CommonSpaceLoss common_space;

    /// <summary>Creates the model.</summary>
    /// <param name="textEncoder">The text encoder.</param>
    /// <param name="imageEncoder">The image encoder.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="lossOptions">Options of the common-space loss; null for its defaults.</param>
    public CommonSpaceFusionModel(ITextEncoder textEncoder, IImageEncoder imageEncoder, PooledFusionOptions? options = null, CommonSpaceLossOptions? lossOptions = null)
        : base(nameof(CommonSpaceFusionModel))
    {
        core = new PooledFusionCore(textEncoder, imageEncoder, options);
        common_space = new CommonSpaceLoss(lossOptions);
        RegisterComponents();
    }

    /// <summary>Classifies posts; either input may be null (that modality is absent for every row).</summary>
    /// <param name="pixels">Images [N, 3, H, W] or null.</param>
    /// <param name="inputIds">Token ids [N, L] or null.</param>
    /// <param name="attentionMask">Mask [N, L]; required with <paramref name="inputIds"/>.</param>
    /// <returns>Logits for every row and the common-space vectors.</returns>
    public override PooledFusionOutput forward(Tensor? pixels, Tensor? inputIds, Tensor? attentionMask) => core.Run(pixels, inputIds, attentionMask, null, null);

    /// <summary>Classifies a batch in which some rows lack a modality.</summary>
    /// <param name="pixels">Images [N, 3, H, W] or null.</param>
    /// <param name="inputIds">Token ids [N, L] or null.</param>
    /// <param name="attentionMask">Mask [N, L]; required with <paramref name="inputIds"/>.</param>
    /// <param name="imagePresent">bool [N] or null.</param>
    /// <param name="textPresent">bool [N] or null.</param>
    /// <returns>Logits for every row and the common-space vectors.</returns>
    public PooledFusionOutput forward(Tensor? pixels, Tensor? inputIds, Tensor? attentionMask, Tensor? imagePresent, Tensor? textPresent) =>
        core.Run(pixels, inputIds, attentionMask, imagePresent, textPresent);

    /// <summary>The auxiliary common-space loss over the rows of <paramref name="output"/> that have both modalities.</summary>
    /// <param name="output">A forward result of this model.</param>
    /// <param name="labels">Optional int64 labels [N]: negatives then come from other classes only, as the paper describes.</param>
    /// <returns>A scalar; zero (connected to the graph) when no row has both modalities.</returns>
    public Tensor AuxiliaryLoss(PooledFusionOutput output, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.ImageEmbedding is null || output.TextEmbedding is null)
        {
            throw new ArgumentException("The auxiliary loss needs both modalities, but the output has only one.", nameof(output));
        }

        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != output.Logits.shape[0]))
        {
            throw new ArgumentException($"{nameof(labels)} must be [{output.Logits.shape[0]}], but its shape is {ModelGuard.Shape(labels)}.", nameof(labels));
        }

        using var scope = NewDisposeScope();
        var both = output.ImagePresent.logical_and(output.TextPresent).nonzero().squeeze(1);
        if (both.numel() == 0)
        {
            return scope.MoveToOuter(output.Pooled.sum().mul(Scalars.Zero));
        }

        var image = output.ImageEmbedding.index_select(0, both);
        var text = output.TextEmbedding.index_select(0, both);
        var loss = labels is null ? common_space.call(image, text) : common_space.forward(image, text, labels.index_select(0, both));
        return scope.MoveToOuter(loss);
    }
}
