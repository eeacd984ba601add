using System;
using AuxLosses.Internal;

namespace AuxLosses;

/// <summary>
/// Options of <see cref="ImageTextContrastiveLoss"/>. The defaults reproduce CLIP / open_clip's <c>ClipLoss</c>:
/// learnable temperature initialised at 0.07 (logit scale 1/0.07 ≈ 14.29), logit scale capped at 100, L2-normalised
/// inputs, the mean of the image→text and text→image cross-entropies, no label smoothing.
/// </summary>
public sealed class ContrastiveLossOptions
{
    /// <summary>
    /// Largest batch size for which <see cref="ContrastiveImplementation.Auto"/> picks
    /// <see cref="ContrastiveImplementation.Dense"/> (2048); larger batches use
    /// <see cref="ContrastiveImplementation.Chunked"/>.
    /// </summary>
    public const int AutoDenseMaxBatchSize = 2048;

    /// <summary>
    /// Initial temperature τ (default 0.07, CLIP's value); the logit scale is s = 1/τ. With
    /// <see cref="LearnableTemperature"/> it is only the starting point. Must be finite and positive.
    /// </summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>
    /// Whether the scale is learned (default true). As in CLIP / open_clip it is stored as a log-scale parameter
    /// t = ln(1/τ) (state_dict key <c>logit_scale</c>) and used as s = exp(t); when false, t is a buffer.
    /// </summary>
    public bool LearnableTemperature { get; init; } = true;

    /// <summary>
    /// Cap on the logit scale (default 100, CLIP's value): the scale used is min(exp(t), MaxLogitScale). Must be
    /// finite and positive.
    /// </summary>
    public double MaxLogitScale { get; init; } = 100.0;

    /// <summary>
    /// Label smoothing ε in [0, 1] (default 0), exactly as PyTorch's <c>cross_entropy(label_smoothing: ε)</c>: each
    /// row's target distribution q becomes (1 − ε)·q + ε/B.
    /// </summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Whether image and text features are L2-normalised along the last dimension first (default true).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Weight of the image→text cross-entropy (rows of S; default 0.5). Must be finite and ≥ 0.</summary>
    public double ImageToTextWeight { get; init; } = 0.5;

    /// <summary>Weight of the text→image cross-entropy (columns of S; default 0.5). Must be finite and ≥ 0.</summary>
    public double TextToImageWeight { get; init; } = 0.5;

    /// <summary>How the B×B logits are evaluated (default <see cref="ContrastiveImplementation.Auto"/>).</summary>
    public ContrastiveImplementation Implementation { get; init; } = ContrastiveImplementation.Auto;

    /// <summary>
    /// Tile edge of the chunked implementation (default 1024): peak extra memory is a few ChunkSize² tiles. Must be ≥ 1.
    /// </summary>
    public int ChunkSize { get; init; } = 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        TensorGuard.Positive(Temperature, nameof(Temperature));
        if (!double.IsFinite(1.0 / Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, $"{nameof(Temperature)} must give a finite logit scale 1/τ, but it is {Temperature}.");
        }

        TensorGuard.Positive(MaxLogitScale, nameof(MaxLogitScale));
        TensorGuard.InRange(LabelSmoothing, 0, 1, nameof(LabelSmoothing));
        TensorGuard.NonNegative(ImageToTextWeight, nameof(ImageToTextWeight));
        TensorGuard.NonNegative(TextToImageWeight, nameof(TextToImageWeight));
        ContrastiveCommon.ValidateImplementation(Implementation, nameof(Implementation));
        ContrastiveCommon.ValidateChunkSize(ChunkSize, nameof(ChunkSize));
    }
}
