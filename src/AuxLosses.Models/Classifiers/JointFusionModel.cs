using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Joint (pooling) fusion of Duong, Lebret and Aberer, "Multimodal Classification for Analysing Social Media"
/// (arXiv:1708.02099, 2017): each modality is projected to a common width and a pooling layer combines them.
/// <code>
/// v_t = W_t x_t + b_t,   v_v = W_v x_v + b_v,   p = max(v_t, v_v) (element-wise; or mean),   logits = W_c dropout(p) + b_c
/// </code>
/// </summary>
/// <remarks>
/// Missing modalities: pass null <c>pixels</c> (or null <c>inputIds</c>) for a batch without images (texts), or per-row
/// bool masks <c>imagePresent</c>/<c>textPresent</c> for mixed batches (absent rows still need placeholder inputs,
/// whose outputs are ignored). The pool runs over the present modalities only, so a text-only or image-only post gets a
/// prediction from the same classifier — the pooling layer is what makes the model robust to missing modalities.
/// The paper's text/image encoders (CNNs) are replaced by any <see cref="ITextEncoder"/>/<see cref="IImageEncoder"/>.
/// </remarks>
public sealed class JointFusionModel : nn.Module<Tensor?, Tensor?, Tensor?, PooledFusionOutput>
{
    private readonly PooledFusionCore core;

    /// <summary>Creates the model.</summary>
    /// <param name="textEncoder">The text encoder.</param>
    /// <param name="imageEncoder">The image encoder.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public JointFusionModel(ITextEncoder textEncoder, IImageEncoder imageEncoder, PooledFusionOptions? options = null)
        : base(nameof(JointFusionModel))
    {
        core = new PooledFusionCore(textEncoder, imageEncoder, options);
        RegisterComponents();
    }

    /// <summary>Classifies posts; either input may be null (that modality is absent for every row).</summary>
    /// <param name="pixels">Images [N, 3, H, W] or null.</param>
    /// <param name="inputIds">Token ids [N, L] or null.</param>
    /// <param name="attentionMask">Mask [N, L]; required with <paramref name="inputIds"/>.</param>
    /// <returns>Logits for every row and the common-space vectors.</returns>
    /// <exception cref="System.ArgumentException">Both inputs null, or bad shapes; the message names the argument.</exception>
    public override PooledFusionOutput forward(Tensor? pixels, Tensor? inputIds, Tensor? attentionMask) => core.Run(pixels, inputIds, attentionMask, null, null);

    /// <summary>Classifies a batch in which some rows lack a modality.</summary>
    /// <param name="pixels">Images [N, 3, H, W] or null.</param>
    /// <param name="inputIds">Token ids [N, L] or null.</param>
    /// <param name="attentionMask">Mask [N, L]; required with <paramref name="inputIds"/>.</param>
    /// <param name="imagePresent">bool [N] (null: all rows have an image iff <paramref name="pixels"/> is given).</param>
    /// <param name="textPresent">bool [N] (null: all rows have a text iff <paramref name="inputIds"/> is given).</param>
    /// <returns>Logits for every row and the common-space vectors.</returns>
    /// <exception cref="System.ArgumentException">A row has neither modality, or bad shapes; the message names the argument.</exception>
    public PooledFusionOutput forward(Tensor? pixels, Tensor? inputIds, Tensor? attentionMask, Tensor? imagePresent, Tensor? textPresent) =>
        core.Run(pixels, inputIds, attentionMask, imagePresent, textPresent);
}
