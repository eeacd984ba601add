namespace AuxLosses;

/// <summary>How <see cref="NegativeSampler"/> builds mismatched image-text pairs for image-text matching (ITM).</summary>
public enum NegativeSamplingStrategy
{
    /// <summary>
    /// Sánchez Villegas et al. (EACL Findings 2024), <c>prepare_itm_inputs</c> in the paper's late-fusion code: each
    /// pair i keeps its text with probability 1 − p (label 1, match) or, with probability p = 0.5, has its text
    /// replaced by another in-batch text drawn uniformly from j ≠ i (label 0). Yields B pairs.
    /// </summary>
    Random,

    /// <summary>
    /// ALBEF (Li et al., NeurIPS 2021) / BLIP hard negatives: the B positives (i, i), then for every text t a negative
    /// image drawn with probability ∝ exp(s_jt) over j ≠ t, then for every image i a negative text drawn with
    /// probability ∝ exp(s_ij) over j ≠ i. Yields up to 3B pairs.
    /// </summary>
    Hard,
}
