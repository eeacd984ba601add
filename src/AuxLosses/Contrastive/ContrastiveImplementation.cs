namespace AuxLosses;

/// <summary>
/// How a contrastive loss (<see cref="ImageTextContrastiveLoss"/>, <see cref="SigmoidContrastiveLoss"/>) evaluates its
/// B×B similarity matrix. Every choice gives the same value and gradients (up to float rounding); they differ in
/// speed and peak memory only.
/// </summary>
public enum ContrastiveImplementation
{
    /// <summary>
    /// <see cref="Fused"/> when the features are on a CUDA device and the fused kernels are available there (see
    /// <see cref="FusedKernels.IsAvailable"/>; otherwise the reason is traced once). Elsewhere <see cref="Dense"/> when
    /// the batch size B is at most <see cref="ContrastiveLossOptions.AutoDenseMaxBatchSize"/> (2048: a B×B float32
    /// matrix is then at most 16 MiB and the few that ordinary autograd keeps stay near 100 MiB), otherwise
    /// <see cref="Chunked"/>.
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
    /// Fused CUDA kernels (compiled at run time with NVRTC, see <see cref="FusedKernels"/>): one tiled pass computes
    /// the masked log-sum-exps with fp32 accumulation and backward recomputes the tiles, so memory is O(B·D) and no
    /// B×B tensor exists. When the kernels cannot run (tensors not on CUDA, no libcuda/NVRTC, float64 features) this
    /// runs the <see cref="Chunked"/> path and writes one <see cref="System.Diagnostics.Trace"/> message per process
    /// saying why.
    /// </summary>
    Fused = 3,
}
