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
/// </remarks>
public static class FusedKernels
{
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
