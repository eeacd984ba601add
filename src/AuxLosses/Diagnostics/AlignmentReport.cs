using System.Collections.Generic;

namespace AuxLosses;

/// <summary>
/// Intra- and cross-modal compactness of a set of labelled image/text embeddings, from
/// <see cref="AlignmentDiagnostics.Compute"/>. Means are pooled over classes (every same-label pair counts once,
/// so large classes weigh more), with the pair counts given so that reports can be merged exactly.
/// </summary>
public sealed record AlignmentReport
{
    /// <summary>Intra-image distance: mean Euclidean distance ‖x_i − x_j‖ over same-label image pairs i ≠ j. NaN when <see cref="IntraModalPairCount"/> is 0.</summary>
    public required double Iid { get; init; }

    /// <summary>Intra-text distance: mean ‖t_i − t_j‖ over same-label text pairs i ≠ j. NaN when <see cref="IntraModalPairCount"/> is 0.</summary>
    public required double Ttd { get; init; }

    /// <summary>Image-text distance: mean ‖x_i − t_j‖ over same-label (image, text) pairs, including each post's own pair i = j.</summary>
    public required double Itd { get; init; }

    /// <summary>Unordered same-label pairs {i, j}, i ≠ j, averaged by <see cref="Iid"/> and <see cref="Ttd"/>: Σ_c n_c(n_c − 1)/2.</summary>
    public required long IntraModalPairCount { get; init; }

    /// <summary>Ordered same-label (image i, text j) pairs averaged by <see cref="Itd"/>: Σ_c n_c².</summary>
    public required long CrossModalPairCount { get; init; }

    /// <summary>Number of samples (B).</summary>
    public required long SampleCount { get; init; }

    /// <summary>Per-class distances, by ascending label.</summary>
    public required IReadOnlyList<AlignmentClassReport> Classes { get; init; }
}
