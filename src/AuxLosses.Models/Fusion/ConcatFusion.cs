using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Concatenation fusion: <c>h = ReLU(W[x_t; x_v] + b)</c>, W ∈ R^{F×(H_t+H_v)}.
/// </summary>
/// <remarks>
/// Sánchez Villegas et al. (EACL Findings 2024), <c>MM_Model.mm_fusion</c> with <c>fusion_name="concat"</c>:
/// <c>relu(linear_fusion(cat(x_t[:, 0], x_v[:, 0])))</c> with F = 768. The state-dict key is <c>linear_fusion</c> as there.
/// </remarks>
public sealed class ConcatFusion : FusionHead
{
    private readonly Linear linear_fusion;

    /// <summary>Creates the head.</summary>
    /// <param name="textSize">H_t.</param>
    /// <param name="imageSize">H_v.</param>
    /// <param name="outputSize">F (the paper: 768).</param>
    public ConcatFusion(long textSize, long imageSize, long outputSize)
        : base(nameof(ConcatFusion), textSize, imageSize)
    {
        OutputSize = ModelGuard.Positive(outputSize, nameof(outputSize));
        linear_fusion = nn.Linear(textSize + imageSize, outputSize);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override long OutputSize { get; }

    /// <summary>Fuses the pooled vectors.</summary>
    /// <param name="features">Text [N, H_t] and image [N, H_v] vectors (tokens are ignored).</param>
    /// <returns>[N, F].</returns>
    public override Tensor forward(FusionFeatures features)
    {
        Validate(features);
        using var scope = NewDisposeScope();
        var joint = cat([features.TextPooled, features.ImagePooled], 1);
        return scope.MoveToOuter(nn.functional.relu(linear_fusion.call(joint)));
    }
}
