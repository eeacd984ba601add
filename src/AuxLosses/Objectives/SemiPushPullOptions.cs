namespace AuxLosses;

/// <summary>
/// Settings of <see cref="SemiPushPullObjective"/>. The defaults are SPP-SCL's (github.com/TomorrowJW/SPP-SCL,
/// <c>train.py</c> and <c>config.py</c>): <c>5·CE</c>, intra- and inter-modal weights 1, τ = 0.07, skip threshold
/// <c>int(P · 2/3)</c>; only <see cref="Variant"/> defaults to the textbook <see cref="SupConVariant.Khosla"/> form —
/// choose <see cref="SupConVariant.SppSclReference"/> to reproduce the reference arithmetic exactly.
/// </summary>
public sealed class SemiPushPullOptions
{
    /// <summary>Weight w of the cross-entropy in step 1 (<c>loss_ce = 5*BCE(output, labels)</c>). Default 5. Finite, ≥ 0.</summary>
    public double CrossEntropyWeight { get; init; } = 5.0;

    /// <summary>Weight of each intra-modal loss L_img and L_txt in step 1 (<c>cfg.c</c>, <c>cfg.d</c>). Default 1. Finite, ≥ 0.</summary>
    public double IntraModalWeight { get; init; } = 1.0;

    /// <summary>Weight of the inter-modal loss L_inter in step 2 (<c>cfg.e</c>). Default 1. Finite, ≥ 0.</summary>
    public double InterModalWeight { get; init; } = 1.0;

    /// <summary>Temperature τ of all three contrastive losses (<c>cfg.temperature</c>). Default 0.07. Finite, &gt; 0.</summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>
    /// Fraction α of same-label pairs in the skip threshold: step 2 is skipped when
    /// <c>count ≥ int(P · α)</c> (truncation, as Python's <c>int</c>). Default 2/3. Finite, ≥ 0.
    /// </summary>
    public double Alpha { get; init; } = 2.0 / 3.0;

    /// <summary>Arithmetic of the contrastive losses. Default <see cref="SupConVariant.Khosla"/>.</summary>
    public SupConVariant Variant { get; init; } = SupConVariant.Khosla;

    /// <summary>
    /// Average both directions of L_inter. Default <see langword="false"/>: SPP-SCL uses text anchors against image
    /// candidates only.
    /// </summary>
    public bool SymmetricInterModal { get; init; }
}
