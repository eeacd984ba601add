using System;
using AuxLosses.Internal;

namespace AuxLosses;

/// <summary>
/// Options of <see cref="SigmoidContrastiveLoss"/>. The defaults reproduce SigLIP (Zhai et al., 2023) and open_clip's
/// <c>SigLipLoss</c>: learnable scale initialised at 10 (t = ln 10), learnable bias initialised at −10, L2-normalised
/// inputs, sum over all B² pairs divided by B.
/// </summary>
public sealed class SigmoidContrastiveLossOptions
{
    /// <summary>Initial logit scale s = exp(t) (default 10, SigLIP's t′ = ln 10). Must be finite and positive.</summary>
    public double InitialLogitScale { get; init; } = 10.0;

    /// <summary>Initial logit bias b (default −10, SigLIP's value). Must be finite.</summary>
    public double InitialLogitBias { get; init; } = -10.0;

    /// <summary>Whether t is learned (default true; state_dict key <c>logit_scale</c>, otherwise a buffer).</summary>
    public bool LearnableScale { get; init; } = true;

    /// <summary>Whether b is learned (default true; state_dict key <c>logit_bias</c>, otherwise a buffer).</summary>
    public bool LearnableBias { get; init; } = true;

    /// <summary>
    /// Cap on the scale (default 100, open_clip's cap for all its models): the scale used is min(exp(t), MaxLogitScale);
    /// while it is active the gradient to t is zero. Must be finite and positive.
    /// </summary>
    public double MaxLogitScale { get; init; } = 100.0;

    /// <summary>Whether image and text features are L2-normalised along the last dimension first (default true).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>How the B×B logits are evaluated (default <see cref="ContrastiveImplementation.Auto"/>).</summary>
    public ContrastiveImplementation Implementation { get; init; } = ContrastiveImplementation.Auto;

    /// <summary>Tile edge of the chunked implementation (default 1024). Must be ≥ 1.</summary>
    public int ChunkSize { get; init; } = 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        TensorGuard.Positive(InitialLogitScale, nameof(InitialLogitScale));
        if (!double.IsFinite(InitialLogitBias))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialLogitBias), InitialLogitBias, $"{nameof(InitialLogitBias)} must be finite, but it is {InitialLogitBias}.");
        }

        TensorGuard.Positive(MaxLogitScale, nameof(MaxLogitScale));
        ContrastiveCommon.ValidateImplementation(Implementation, nameof(Implementation));
        ContrastiveCommon.ValidateChunkSize(ChunkSize, nameof(ChunkSize));
    }
}
