using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>What <see cref="SppSclModel"/> returns (the reference's <c>output, CL_out, T_Align, I_Align</c>). Tensors belong to the caller's dispose scope.</summary>
/// <param name="Logits">Class logits [N, C].</param>
/// <param name="ClassifierFeatures">The classifier's hidden features [N, 2d] (<c>CL_out</c>).</param>
/// <param name="TextAligned">Aligned text features [N, d] (<c>T_Align</c>), raw.</param>
/// <param name="ImageAligned">Aligned image features [N, d] (<c>I_Align</c>), raw.</param>
public sealed record SppSclOutput(Tensor Logits, Tensor ClassifierFeatures, Tensor TextAligned, Tensor ImageAligned)
{
    /// <summary>The batch for <see cref="SemiPushPullObjective"/>: L_img on I_Align, L_txt on T_Align, and both as the aligned pair, as in <c>train.py</c>.</summary>
    /// <returns>A batch referencing this output's tensors.</returns>
    public SemiPushPullBatch ToBatch() => new(Logits, ImageAligned, TextAligned);
}
