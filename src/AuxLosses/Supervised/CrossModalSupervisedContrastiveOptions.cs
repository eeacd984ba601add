namespace AuxLosses;

/// <summary>
/// Settings of <see cref="CrossModalSupervisedContrastiveLoss"/>. The defaults (τ = τ_base = 0.07, normalised,
/// one direction) reproduce SPP-SCL's inter-modal loss <c>CLoss_T_I</c> up to its <c>+1e-12</c> inside the log;
/// choose <see cref="SupConVariant.SppSclReference"/> for its arithmetic bit for bit.
/// </summary>
public sealed class CrossModalSupervisedContrastiveOptions
{
    /// <summary>Temperature τ dividing the similarities. Default 0.07. Must be finite and positive.</summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>
    /// Base temperature τ_base; the <see cref="SupConVariant.Khosla"/> loss is multiplied by τ / τ_base. Default
    /// 0.07 (factor 1). Ignored by <see cref="SupConVariant.SppSclReference"/>.
    /// </summary>
    public double BaseTemperature { get; init; } = 0.07;

    /// <summary>L2-normalise anchors and candidates inside the loss, as SPP-SCL does. Default <see langword="true"/>.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Arithmetic to use. Default <see cref="SupConVariant.Khosla"/>.</summary>
    public SupConVariant Variant { get; init; } = SupConVariant.Khosla;

    /// <summary>
    /// Average the anchors→candidates and candidates→anchors directions. Default <see langword="false"/>: SPP-SCL's
    /// training loop calls its inter-modal loss once, with text as anchors and images as candidates.
    /// </summary>
    public bool Symmetric { get; init; }
}
