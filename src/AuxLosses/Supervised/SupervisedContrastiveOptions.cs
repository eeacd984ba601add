namespace AuxLosses;

/// <summary>
/// Settings of <see cref="SupervisedContrastiveLoss"/>. The defaults reproduce SupContrast's <c>SupConLoss()</c>
/// (τ = τ_base = 0.07, <c>contrast_mode='all'</c>) applied to L2-normalised features, which is also SPP-SCL's
/// intra-modal setting (τ = 0.07, normalisation inside the loss).
/// </summary>
public sealed class SupervisedContrastiveOptions
{
    /// <summary>Temperature τ dividing the similarities. Default 0.07. Must be finite and positive.</summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>
    /// Base temperature τ_base: the <see cref="SupConVariant.Khosla"/> loss is multiplied by τ / τ_base, as
    /// SupContrast does, so that the gradient scale does not depend on τ. Default 0.07 (factor 1). Ignored by
    /// <see cref="SupConVariant.SppSclReference"/>, whose code has no such factor.
    /// </summary>
    public double BaseTemperature { get; init; } = 0.07;

    /// <summary>Which views are anchors when features are <c>[B, V, D]</c>. Default <see cref="SupConContrastMode.All"/>.</summary>
    public SupConContrastMode ContrastMode { get; init; } = SupConContrastMode.All;

    /// <summary>
    /// L2-normalise each feature vector inside the loss (<c>x / max(‖x‖, 1e-12)</c>, PyTorch's <c>F.normalize</c>).
    /// Default <see langword="true"/>: both papers define the loss on unit vectors — SupContrast normalises in
    /// its projection head and SPP-SCL inside its loss — and raw features divided by τ = 0.07 saturate the
    /// softmax. Set it to <see langword="false"/> only when the features are already normalised.
    /// </summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Arithmetic to use. Default <see cref="SupConVariant.Khosla"/>.</summary>
    public SupConVariant Variant { get; init; } = SupConVariant.Khosla;
}
