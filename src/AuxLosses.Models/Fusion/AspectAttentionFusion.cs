using System;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Aspect (modality) attention: a learned score per modality, softmax over the two modalities of each post, and the
/// weighted sum of the two vectors.
/// <code>
/// V_n = [x_t,n ; x_v,n] ∈ R^{2×F},   e_n = tanh(V_n w + b) ∈ R^2,   a_n = softmax(e_n)
/// h_n = ReLU(a_nᵀ V_n) = ReLU(a_n,t x_t,n + a_n,v x_v,n)
/// </code>
/// </summary>
/// <remarks>
/// <para>The paper's repository (Sánchez Villegas et al. 2024, <c>fusion_name="aspect-att"</c>) builds V with
/// <c>torch.stack((x_t_pool, x_v_pool), dim=0)</c> ([2, N, F]) and then <c>torch.reshape(V, (N, 2, F))</c>. A reshape
/// is not a permutation: row n of the result holds rows 2n and 2n+1 of the flattened [2N, F] stack, so for N ≥ 2 the
/// "two modalities" of post 0 are the texts of posts 0 and 1, and post N−1's pair is two images — posts are mixed,
/// and each output depends on the rest of the batch. This head stacks along dimension 1 (equivalently, permutes
/// [2, N, F] to [N, 2, F]), so V_n really is (text n, image n), and each row depends only on its own post.</para>
/// <para>With one shared size and no <c>outputSize</c> there are no projections (the repo's setting, H_t = H_v = 768;
/// the repo feeds the encoders' pooler outputs); otherwise each modality is first projected to F by its own linear.
/// The scoring layer's key is <c>aspectattention</c> as in the repo.</para>
/// </remarks>
public sealed class AspectAttentionFusion : FusionHead
{
    private readonly Linear aspectattention;
    private readonly Linear? text_projection;
    private readonly Linear? image_projection;

    /// <summary>Creates the head.</summary>
    /// <param name="textSize">H_t.</param>
    /// <param name="imageSize">H_v.</param>
    /// <param name="outputSize">F; null to use the inputs as they are (requires H_t = H_v, F = H_t).</param>
    /// <exception cref="ArgumentException">No <paramref name="outputSize"/> and H_t ≠ H_v.</exception>
    public AspectAttentionFusion(long textSize, long imageSize, long? outputSize = null)
        : base(nameof(AspectAttentionFusion), textSize, imageSize)
    {
        if (outputSize is null && textSize != imageSize)
        {
            throw new ArgumentException($"Without an outputSize the text and image sizes must agree, but they are {textSize} and {imageSize}.", nameof(outputSize));
        }

        OutputSize = ModelGuard.Positive(outputSize ?? textSize, nameof(outputSize));
        if (outputSize is not null)
        {
            text_projection = nn.Linear(textSize, OutputSize);
            image_projection = nn.Linear(imageSize, OutputSize);
        }

        aspectattention = nn.Linear(OutputSize, 1);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override long OutputSize { get; }

    /// <summary>The modality weights a_n, [N, 2] (column 0 text, column 1 image; rows sum to 1).</summary>
    /// <param name="features">Text and image vectors.</param>
    /// <returns>The softmax weights.</returns>
    public Tensor ModalityWeights(FusionFeatures features)
    {
        Validate(features);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(WeightsOf(Stack(features)).squeeze(2));
    }

    /// <summary>Fuses the pooled vectors.</summary>
    /// <param name="features">Text [N, H_t] and image [N, H_v] vectors (tokens are ignored).</param>
    /// <returns>[N, F].</returns>
    public override Tensor forward(FusionFeatures features)
    {
        Validate(features);
        using var scope = NewDisposeScope();
        var stacked = Stack(features);                                  // [N, 2, F]
        var weights = WeightsOf(stacked);                               // [N, 2, 1]
        return scope.MoveToOuter(nn.functional.relu((weights * stacked).sum(1)));
    }

    // dim = 1, not stack(dim=0) + reshape: keeps (text n, image n) together.
    private Tensor Stack(FusionFeatures features)
    {
        var text = text_projection is null ? features.TextPooled : text_projection.call(features.TextPooled);
        var image = image_projection is null ? features.ImagePooled : image_projection.call(features.ImagePooled);
        return stack([text, image], 1);
    }

    private Tensor WeightsOf(Tensor stacked) => nn.functional.softmax(aspectattention.call(stacked).tanh(), 1);
}
