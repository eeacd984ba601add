namespace AuxLosses;

/// <summary>
/// How a contrastive loss (<see cref="ImageTextContrastiveLoss"/>, <see cref="SigmoidContrastiveLoss"/>) evaluates its
/// B×B similarity matrix. Every choice gives the same value and gradients (up to float rounding); they differ in
/// speed and peak memory only.
/// </summary>
public enum ContrastiveImplementation
{
    /// <summary>
    /// <see cref="Dense"/> when the batch size B is at most <see cref="ContrastiveLossOptions.AutoDenseMaxBatchSize"/>
    /// (2048: a B×B float32 matrix is then at most 16 MiB and the few that ordinary autograd keeps stay near 100 MiB),
    /// otherwise <see cref="Chunked"/>.
    /// </summary>
    Auto = 0,

    /// <summary>
    /// Materialises the B×B logits and lets ordinary autograd differentiate them: fastest for small and moderate B,
    /// memory O(B²).
    /// </summary>
    Dense = 1,

    /// <summary>
    /// Tiles the logits into ChunkSize×ChunkSize blocks inside a custom autograd function that keeps only O(B)
    /// row/column statistics between forward and backward and recomputes the tiles in backward: memory
    /// O(B·D + ChunkSize²), never a B×B tensor.
    /// </summary>
    Chunked = 2,

    /// <summary>
    /// Reserved for a fused CUDA kernel. This build contains no such kernel, so <see cref="Fused"/> runs the
    /// <see cref="Chunked"/> path and writes one <see cref="System.Diagnostics.Trace"/> message per process saying why
    /// (no CUDA kernel in this build, and whether the tensors are on CUDA at all).
    /// </summary>
    Fused = 3,
}
