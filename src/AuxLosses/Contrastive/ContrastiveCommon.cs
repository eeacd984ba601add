using System;
using System.Diagnostics;
using System.Threading;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>Input checks, feature preparation and implementation choice shared by the two image-text contrastive losses.</summary>
internal static class ContrastiveCommon
{
    /// <summary>ε of <c>F.normalize</c> (PyTorch's default): a zero vector normalises to zero instead of NaN.</summary>
    public const double NormalizeEpsilon = 1e-12;

    private static int fusedOnCudaLogged;
    private static int fusedOffCudaLogged;

    /// <summary>min(exp(t), max) read to the host: the logit scale a forward pass uses.</summary>
    public static double CurrentScale(Tensor logScale, double max)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Math.Min(logScale.exp().item<float>(), max);
    }

    public static void ValidateImplementation(ContrastiveImplementation value, string name) => EnumGuard.Defined(value, name);

    public static void ValidateChunkSize(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1, but it is {value}.");
        }
    }

    /// <summary>Checks paired [B, D] features (and optional labels [B]) before any arithmetic.</summary>
    public static void ValidateInputs(Tensor image, Tensor text, Tensor? labels, bool withLabels)
    {
        TensorGuard.Features(image, nameof(image), 2);
        TensorGuard.Features(text, nameof(text), 2);
        TensorGuard.SameShape(image, nameof(image), text, nameof(text));
        TensorGuard.SameDtypeAndDevice(image, nameof(image), text, nameof(text));
        TensorGuard.Finite(image, nameof(image));
        TensorGuard.Finite(text, nameof(text));
        if (withLabels)
        {
            TensorGuard.Labels(labels, nameof(labels), image.shape[0], image);
        }
    }

    /// <summary>float64 stays float64; every other floating type is computed in float32 so bf16/fp16 logits cannot overflow.</summary>
    public static ScalarType ComputeType(ScalarType input) => input == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

    /// <summary>Casts to the compute type and optionally L2-normalises rows (ordinary autograd, outside any custom function).</summary>
    public static Tensor Prepare(Tensor features, bool normalize)
    {
        var x = features.to_type(ComputeType(features.dtype));
        return normalize ? nn.functional.normalize(x, p: 2, dim: 1, eps: NormalizeEpsilon) : x;
    }

    /// <summary>
    /// Class ids and the number of samples sharing each sample's class. Without labels every sample is its own class
    /// (ids 0..B-1, counts 1), so "same class" is exactly the diagonal.
    /// </summary>
    public static (Tensor Classes, Tensor Counts) Classes(Tensor? labels, long batch, Device device, ScalarType dtype)
    {
        if (labels is null)
        {
            return (Scalars.Arange(batch, ScalarType.Int64, device), ones(batch, dtype: dtype, device: device));
        }

        var classes = labels.to_type(ScalarType.Int64);
        var (_, inverse, counts) = classes.unique(sorted: false, return_inverse: true, return_counts: true);
        return (classes, counts!.index_select(0, inverse!.reshape(-1)).to_type(dtype));
    }

    /// <summary>
    /// The features the fused kernels read: bfloat16/float16 inputs go back to their own dtype after the float32
    /// normalisation (the kernels take 16-bit operands straight into tensor cores and accumulate in fp32, and their
    /// gradients return in that dtype), every other dtype as prepared.
    /// </summary>
    public static Tensor FusedInput(Tensor prepared, ScalarType inputDtype) =>
        inputDtype is ScalarType.BFloat16 or ScalarType.Float16 ? prepared.to_type(inputDtype) : prepared;

    /// <summary>Resolves Auto and Fused to the implementation that actually runs (float32 features assumed).</summary>
    public static ContrastiveImplementation Resolve(ContrastiveImplementation requested, long batch, Device device) =>
        Resolve(requested, batch, device, ScalarType.Float32);

    /// <summary>
    /// Resolves Auto and Fused for features of <paramref name="dtype"/> on <paramref name="device"/>: Auto is Fused on
    /// CUDA when the kernels are available, else Dense up to the threshold and Chunked above it; Fused falls back to
    /// Chunked. Every fallback away from a requested (or, on CUDA, automatic) Fused is traced once per process.
    /// </summary>
    public static ContrastiveImplementation Resolve(ContrastiveImplementation requested, long batch, Device device, ScalarType dtype)
    {
        switch (requested)
        {
            case ContrastiveImplementation.Auto:
                if (device.type == DeviceType.CUDA)
                {
                    if (FusedUsable(device, dtype, out var reason))
                    {
                        return ContrastiveImplementation.Fused;
                    }

                    LogFusedFallback(device, reason);
                }

                return batch <= ContrastiveLossOptions.AutoDenseMaxBatchSize ? ContrastiveImplementation.Dense : ContrastiveImplementation.Chunked;
            case ContrastiveImplementation.Fused:
                if (FusedUsable(device, dtype, out var why))
                {
                    return ContrastiveImplementation.Fused;
                }

                LogFusedFallback(device, why);
                return ContrastiveImplementation.Chunked;
            default:
                return requested;
        }
    }

    /// <summary>Whether the fused CUDA kernels run features of <paramref name="dtype"/> on <paramref name="device"/>; if not, why.</summary>
    public static bool FusedUsable(Device device, ScalarType dtype, out string reason)
    {
        if (device.type == DeviceType.CUDA && FusedContrastiveFunction.ElementOf(dtype) is null)
        {
            reason = $"the fused CUDA kernels compute in float32 and do not take {dtype} features";
            return false;
        }

        if (!FusedKernels.IsAvailable(device, out var problem))
        {
            reason = device.type == DeviceType.CUDA
                ? problem
                : $"the tensors are on {device}, not CUDA (no fused CUDA kernel runs there)";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static void LogFusedFallback(Device device, string reason)
    {
        // Once per process and device kind: a training loop must not flood the trace listeners.
        if (device.type == DeviceType.CUDA)
        {
            if (Interlocked.Exchange(ref fusedOnCudaLogged, 1) == 0)
            {
                Trace.TraceInformation($"AuxLosses: the fused CUDA contrastive kernels cannot run ({reason}); running the Chunked implementation instead (ContrastiveImplementation.Fused or Auto on CUDA; same values and gradients, O(B) saved state).");
            }
        }
        else if (Interlocked.Exchange(ref fusedOffCudaLogged, 1) == 0)
        {
            Trace.TraceInformation($"AuxLosses: ContrastiveImplementation.Fused was requested, but {reason}; running the Chunked implementation (same values and gradients, O(B) saved state).");
        }
    }
}
