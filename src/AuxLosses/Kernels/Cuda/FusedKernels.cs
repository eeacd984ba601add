using System.Diagnostics.CodeAnalysis;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// The fused CUDA contrastive kernels behind <see cref="ContrastiveImplementation.Fused"/>: a tiled, masked,
/// online-max-shifted log-sum-exp over S = s·X·Yᵀ (ITC rows and columns in one sweep, SupCon with the diagonal
/// masked, SigLIP's Σ log σ(z·ℓ)) and a recompute backward, all with fp32 accumulation and O(B) saved state.
/// </summary>
/// <remarks>
/// The kernels ship as CUDA C source embedded in the assembly and are compiled at first use with NVRTC for the
/// GPU's architecture (once per element type and architecture), then launched through the CUDA driver API on the
/// default stream. Nothing is linked at build time: without a GPU, libcuda or NVRTC the losses run their Chunked
/// implementation and say why once through <see cref="System.Diagnostics.Trace"/>. Set <c>AUXLOSSES_NVRTC</c> or
/// <c>AUXLOSSES_LIBCUDA</c> to a library path when the default search (loader names, LD_LIBRARY_PATH, CUDA_HOME,
/// /usr/local/cuda, pip's nvidia/*/lib) does not find them.
/// <para>
/// On compute capability 8.0 and newer the tile products run on tensor cores (PTX <c>mma.sync</c>, fp32
/// accumulators): bfloat16 and float16 features are read as they are (exact products), float32 features are
/// rounded to TF32 (10-bit mantissa) unless <see cref="AllowTf32"/> is false. Older GPUs, and float32 with TF32
/// off, use exact fp32 FMA tiles. The softmax/LSE statistics are fp32 on every path.
/// </para>
/// </remarks>
public static class FusedKernels
{
    /// <summary>
    /// Whether float32 features may use TF32 tensor-core products in the fused kernels (default
    /// <see langword="true"/>, like <c>torch.backends.cuda.matmul.allow_tf32 = True</c>: logits carry about 1e-3
    /// relative error). Set it to <see langword="false"/>, or start the process with
    /// <c>AUXLOSSES_FUSED_TF32=0</c>, for exact fp32 products (scalar FMA tiles, about 3× slower). The switch is
    /// process-wide and applies from the next evaluation; bfloat16/float16 features always use tensor cores on
    /// sm_80+ because their products are exact in fp32.
    /// </summary>
    public static bool AllowTf32
    {
        get => FusedRuntime.AllowTf32;
        set => FusedRuntime.AllowTf32 = value;
    }

    /// <summary>
    /// Whether the fused kernels can run on <paramref name="device"/>; when not, <paramref name="reason"/> says why
    /// (not a CUDA device, libcuda or NVRTC missing, or the kernels failed to compile). The check compiles the
    /// kernels on first call for a device and caches the outcome.
    /// </summary>
    /// <param name="device">The device the features live on.</param>
    /// <param name="reason">Empty when available, otherwise the reason.</param>
    /// <returns><see langword="true"/> when <see cref="ContrastiveImplementation.Fused"/> runs the CUDA kernels there.</returns>
    public static bool IsAvailable(Device device, [NotNullWhen(false)] out string? reason)
    {
        System.ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CUDA)
        {
            reason = $"the tensors are on {device}, not CUDA";
            return false;
        }

        if (CudaDriver.TryGet(out var driverProblem) is null)
        {
            reason = $"the CUDA driver API is unavailable: {driverProblem}";
            return false;
        }

        if (!TensorPointers.IsAvailable)
        {
            reason = "LibTorchSharp does not export THSTensor_data, so tensor device addresses cannot be read";
            return false;
        }

        if (!FusedRuntime.TryPrepare(device.index < 0 ? 0 : device.index, out var compileProblem))
        {
            reason = $"the fused kernels could not be prepared: {compileProblem}";
            return false;
        }

        reason = null;
        return true;
    }
}
