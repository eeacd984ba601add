using System;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Cross-attention fusion: the text vector queries the image tokens, and the attended image summary is concatenated
/// with the text vector.
/// <code>
/// q = W_Q x_t,  K = W_K X_v,  V = W_V X_v                (X_v: image tokens [T, H_v])
/// c = softmax(q Kᵀ / √F) V
/// h = ReLU(W_f [x_t; c] + b_f)
/// </code>
/// </summary>
/// <remarks>
/// Sánchez Villegas et al. (EACL Findings 2024), <c>fusion_name="attention"</c>: every text token queries the image
/// tokens (<c>fc_Q</c>, <c>fc_K</c>, <c>fc_V</c>, scale <c>K.size(-1)^-0.5</c>, no mask), then only the output at
/// position 0 (the CLS query) is kept and concatenated with <c>x_t[:, 0]</c>. Attention rows are independent, so
/// computing only the CLS query (here: <see cref="FusionFeatures.TextPooled"/>) gives the same result for a fraction
/// of the cost. Unlike the repo, H_t, H_v and F may differ. State-dict keys follow the repo.
/// </remarks>
public sealed class AttentionFusion : FusionHead
{
    private readonly Linear fc_Q;
    private readonly Linear fc_K;
    private readonly Linear fc_V;
    private readonly Linear linear_fusion;
    private readonly double scale;

    /// <summary>Creates the head.</summary>
    /// <param name="textSize">H_t.</param>
    /// <param name="imageSize">H_v.</param>
    /// <param name="outputSize">F, the attention width and the output width (the paper: 768).</param>
    public AttentionFusion(long textSize, long imageSize, long outputSize)
        : base(nameof(AttentionFusion), textSize, imageSize)
    {
        OutputSize = ModelGuard.Positive(outputSize, nameof(outputSize));
        fc_Q = nn.Linear(textSize, outputSize);
        fc_K = nn.Linear(imageSize, outputSize);
        fc_V = nn.Linear(imageSize, outputSize);
        linear_fusion = nn.Linear(textSize + outputSize, outputSize);
        scale = 1.0 / Math.Sqrt(outputSize);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override long OutputSize { get; }

    /// <inheritdoc/>
    public override bool RequiresImageTokens => true;

    /// <summary>Attention weights of the text query over the image tokens, [N, T] (rows sum to 1).</summary>
    /// <param name="features">Text vectors and image tokens.</param>
    /// <returns>The softmax weights.</returns>
    public Tensor AttentionWeights(FusionFeatures features)
    {
        Validate(features);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Weights(features.TextPooled, features.ImageTokens!));
    }

    /// <summary>Fuses the text vector with its attended image summary.</summary>
    /// <param name="features">Text vectors [N, H_t] and image tokens [N, T, H_v] (required).</param>
    /// <returns>[N, F].</returns>
    public override Tensor forward(FusionFeatures features)
    {
        Validate(features);
        using var scope = NewDisposeScope();
        var weights = Weights(features.TextPooled, features.ImageTokens!);
        var context = weights.unsqueeze(1).bmm(fc_V.call(features.ImageTokens!)).squeeze(1);
        var fused = linear_fusion.call(cat([features.TextPooled, context], 1));
        return scope.MoveToOuter(nn.functional.relu(fused));
    }

    private Tensor Weights(Tensor text, Tensor imageTokens)
    {
        var query = fc_Q.call(text).unsqueeze(1);                 // [N, 1, F]
        var keys = fc_K.call(imageTokens);                        // [N, T, F]
        var scores = query.bmm(keys.transpose(1, 2)).squeeze(1).Times(scale);
        return nn.functional.softmax(scores, 1);
    }
}
