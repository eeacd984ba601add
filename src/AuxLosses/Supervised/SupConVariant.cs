namespace AuxLosses;

/// <summary>Which arithmetic a supervised contrastive loss uses.</summary>
public enum SupConVariant
{
    /// <summary>
    /// The supervised contrastive loss as defined by Khosla et al. (NeurIPS 2020, Eq. 2): the anchor itself is
    /// excluded from numerator and denominator, anchors without a positive are left out of the mean, and the
    /// loss is scaled by <c>τ / τ_base</c> as in HobbitLong/SupContrast.
    /// </summary>
    Khosla = 0,

    /// <summary>
    /// Reproduces the arithmetic of SPP-SCL's <c>loss.py</c> (TomorrowJW/SPP-SCL) exactly: the self-similarity is
    /// zeroed rather than removed, so it stays in the denominator as <c>exp(0 − rowmax)</c>; the normaliser is
    /// <c>log(Σ exp(logit − rowmax) + 1e-12)</c>; anchors without a positive count as 0 in the batch mean; no
    /// <c>τ / τ_base</c> factor. Use it to reproduce the paper's numbers.
    /// </summary>
    SppSclReference = 1,
}
