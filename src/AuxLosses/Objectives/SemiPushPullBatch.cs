using System;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// What one forward pass of an SPP-SCL-style model returns to <see cref="SemiPushPullObjective"/>. It does not own
/// its tensors: whoever created them (usually a dispose scope) frees them.
/// </summary>
/// <remarks>
/// In SPP-SCL's model the intra-modal and the aligned features are the same tensors (<c>I_Align</c>,
/// <c>T_Align</c>, <c>d = 32</c>), so the aligned pair defaults to the intra-modal pair; pass different tensors
/// when your model aligns a separate projection.
/// </remarks>
public sealed class SemiPushPullBatch
{
    /// <summary>Creates a batch.</summary>
    /// <param name="logits">Classifier logits <c>[B, C]</c>.</param>
    /// <param name="imageFeatures">Image features <c>[B, D_i]</c> for the intra-modal loss L_img.</param>
    /// <param name="textFeatures">Text features <c>[B, D_t]</c> for the intra-modal loss L_txt.</param>
    /// <param name="alignedImage">Image features <c>[B, D]</c> for the alignment condition and L_inter; default <paramref name="imageFeatures"/>.</param>
    /// <param name="alignedText">Text features <c>[B, D]</c> for the alignment condition and L_inter; default <paramref name="textFeatures"/>.</param>
    public SemiPushPullBatch(Tensor logits, Tensor imageFeatures, Tensor textFeatures, Tensor? alignedImage = null, Tensor? alignedText = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(imageFeatures);
        ArgumentNullException.ThrowIfNull(textFeatures);
        Logits = logits;
        ImageFeatures = imageFeatures;
        TextFeatures = textFeatures;
        AlignedImage = alignedImage ?? imageFeatures;
        AlignedText = alignedText ?? textFeatures;
    }

    /// <summary>Classifier logits <c>[B, C]</c> (SPP-SCL: <c>output</c>).</summary>
    public Tensor Logits { get; }

    /// <summary>Image features for L_img (SPP-SCL: <c>I_Align</c>).</summary>
    public Tensor ImageFeatures { get; }

    /// <summary>Text features for L_txt (SPP-SCL: <c>T_Align</c>).</summary>
    public Tensor TextFeatures { get; }

    /// <summary>Image features for the condition and L_inter, raw (unnormalised) (SPP-SCL: <c>I_Align</c>).</summary>
    public Tensor AlignedImage { get; }

    /// <summary>Text features for the condition and L_inter, raw (unnormalised) (SPP-SCL: <c>T_Align</c>).</summary>
    public Tensor AlignedText { get; }
}
