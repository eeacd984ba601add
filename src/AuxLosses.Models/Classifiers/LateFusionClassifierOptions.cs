namespace AuxLosses.Models;

/// <summary>Settings of <see cref="LateFusionClassifier"/>. Defaults follow Sánchez Villegas et al. (EACL Findings 2024).</summary>
public sealed class LateFusionClassifierOptions
{
    /// <summary>Number of classes C. Default 2.</summary>
    public long NumClasses { get; init; } = 2;

    /// <summary>Dropout before the classifier (the repo's <c>self.dropout</c>, set from its command line). Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>
    /// Width P of the ITC projections (bias-free linears on the pooled vectors, as <c>VisionTextDualEncoderModel</c>'s
    /// <c>text_projection</c>/<c>visual_projection</c>, whose default <c>projection_dim</c> is 512). Default 512.
    /// </summary>
    public long ProjectionSize { get; init; } = 512;

    /// <summary>
    /// Use the text encoder's pooler output (BERT: tanh(W·h_CLS + b)) as the text vector instead of the last layer's CLS
    /// state. The repo's concat/attention/GMU heads use the CLS state <c>x_t[:, 0]</c>; its aspect attention and its
    /// ITC use the pooler. Default false.
    /// </summary>
    public bool UseTextPooler { get; init; }

    /// <summary>
    /// Freeze the image encoder (no gradients; it runs under no_grad), as the repo does for the vision tower.
    /// Default true.
    /// </summary>
    public bool FreezeImageEncoder { get; init; } = true;
}
