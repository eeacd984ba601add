using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Gated Multimodal Unit (Arevalo, Solorio, Montes-y-Gómez and González, "Gated Multimodal Units for Information
/// Fusion", ICLR Workshop 2017):
/// <code>
/// h_t = tanh(W_t x_t),   h_v = tanh(W_v x_v),   z = σ(W_z [x_t; x_v] + b_z)
/// h   = z ⊙ h_t + (1 − z) ⊙ h_v
/// </code>
/// </summary>
/// <remarks>
/// Deviation from the paper's repository (Sánchez Villegas et al. 2024, <c>fusion_name="gmu"</c>): there the "gate" is
/// <c>z = sigmoid(cat(x_t[:, 0], x_v[:, 0]))</c> — a parameter-free element-wise sigmoid of the raw features (so it
/// cannot learn which modality to trust), the candidates <c>linear_gmu_t/v</c> have no tanh, and the result goes
/// through <c>relu(linear_fusion(·))</c>. This head implements the GMU as Arevalo et al. define it: a learned gate
/// <c>W_z</c> (with bias) and tanh candidates (bias-free, as in the paper's equations). The output is h itself
/// ([N, F], values in (−1, 1)).
/// </remarks>
public sealed class GatedMultimodalUnit : FusionHead
{
    private readonly Linear text_projection;
    private readonly Linear image_projection;
    private readonly Linear gate;

    /// <summary>Creates the unit.</summary>
    /// <param name="textSize">H_t.</param>
    /// <param name="imageSize">H_v.</param>
    /// <param name="outputSize">F, the width of h.</param>
    public GatedMultimodalUnit(long textSize, long imageSize, long outputSize)
        : base(nameof(GatedMultimodalUnit), textSize, imageSize)
    {
        OutputSize = ModelGuard.Positive(outputSize, nameof(outputSize));
        text_projection = nn.Linear(textSize, outputSize, hasBias: false);
        image_projection = nn.Linear(imageSize, outputSize, hasBias: false);
        gate = nn.Linear(textSize + imageSize, outputSize);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override long OutputSize { get; }

    /// <summary>The gate z = σ(W_z[x_t; x_v] + b_z), [N, F], in (0, 1): the weight on the text candidate.</summary>
    /// <param name="features">Text and image vectors.</param>
    /// <returns>The gate values.</returns>
    public Tensor Gate(FusionFeatures features)
    {
        Validate(features);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(GateOf(features));
    }

    /// <summary>Fuses the pooled vectors.</summary>
    /// <param name="features">Text [N, H_t] and image [N, H_v] vectors (tokens are ignored).</param>
    /// <returns>h, [N, F].</returns>
    public override Tensor forward(FusionFeatures features)
    {
        Validate(features);
        using var scope = NewDisposeScope();
        var z = GateOf(features);
        var textCandidate = text_projection.call(features.TextPooled).tanh();
        var imageCandidate = image_projection.call(features.ImagePooled).tanh();
        return scope.MoveToOuter((z * textCandidate).Plus(Scalars.Minus(1, z) * imageCandidate));
    }

    private Tensor GateOf(FusionFeatures features) =>
        gate.call(cat([features.TextPooled, features.ImagePooled], 1)).sigmoid();
}
