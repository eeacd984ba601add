using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.GpuCheck;

/// <summary>
/// Full mode: TorchSharp on the machine's libtorch. Compares the losses' Fused implementation with Dense and Chunked
/// (values and gradients, fp32 and bf16 inputs, ragged B) and times all three.
/// </summary>
internal static class TorchMode
{
    public static bool TryInitialize(Report report)
    {
        try
        {
            InitializeDeviceType(DeviceType.CUDA);
            if (!cuda.is_available())
            {
                report.Note("CUDA not available to TorchSharp (torch.cuda.is_available() is false)");
                return false;
            }

            return true;
        }
        catch (Exception e)
        {
            report.Note($"CUDA not available to TorchSharp: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    public static void Run(Report report, int[] sizes, int depth)
    {
        var device = CUDA;
        if (!FusedKernels.IsAvailable(device, out var reason))
        {
            report.Status = "kernels unavailable";
            report.Note($"FusedKernels.IsAvailable(cuda) is false: {reason}");
            return;
        }

        report.Note($"torch mode: libtorch via TorchSharp {typeof(torch).Assembly.GetName().Version}, NVRTC {Nvrtc.TryVersion(out _)}, tensor cores: float32 {FusedRuntime.UsesTensorCores(0, FusedElement.Float32)} (TF32), bfloat16 {FusedRuntime.UsesTensorCores(0, FusedElement.BFloat16)}");
        // float32 twice: TF32 tensor cores (the default) and exact fp32 FMA tiles (AllowTf32 = false).
        var variants = new[] { (ScalarType.Float32, true), (ScalarType.Float32, false), (ScalarType.BFloat16, true), (ScalarType.Float16, true) };
        foreach (var batch in new[] { 1, 37, 70, 1000 })
        {
            foreach (var (dtype, tf32) in variants)
            {
                FusedKernels.AllowTf32 = tf32;
                foreach (var labelled in new[] { false, true })
                {
                    Check(report, "ITC", batch, 64, dtype, labelled, device);
                    Check(report, "SigLIP", batch, 64, dtype, labelled, device);
                }

                Check(report, "SupCon", batch, 64, dtype, true, device);
            }
        }

        FusedKernels.AllowTf32 = true;

        foreach (var batch in new[] { 37, 1000 })
        {
            DirectBFloat16(report, batch, 128, device);
        }

        foreach (var loss in new[] { "ITC", "SigLIP", "SupCon" })
        {
            foreach (var batch in sizes)
            {
                foreach (var implementation in new[] { ContrastiveImplementation.Fused, ContrastiveImplementation.Chunked, ContrastiveImplementation.Dense })
                {
                    if (loss == "SupCon" && implementation == ContrastiveImplementation.Chunked)
                    {
                        continue;
                    }

                    Time(report, loss, implementation, batch, depth, device, ScalarType.Float32, "TF32");
                }

                FusedKernels.AllowTf32 = false;
                Time(report, loss, ContrastiveImplementation.Fused, batch, depth, device, ScalarType.Float32, "exact fp32 (TF32 off)");
                FusedKernels.AllowTf32 = true;
                Time(report, loss, ContrastiveImplementation.Fused, batch, depth, device, ScalarType.BFloat16, "bf16");
                Time(report, loss, ContrastiveImplementation.Dense, batch, depth, device, ScalarType.BFloat16, "bf16 (upcast to fp32)");
            }
        }
    }

    /// <summary>Loss and input gradients of one implementation on (image, text, labels).</summary>
    private static (double Loss, Tensor GradImage, Tensor GradText) Evaluate(string loss, ContrastiveImplementation implementation, Tensor image, Tensor text, Tensor labels, bool labelled)
    {
        var a = image.detach().clone().requires_grad_(true);
        var b = text.detach().clone().requires_grad_(true);
        Tensor value;
        switch (loss)
        {
            case "ITC":
                {
                    using var m = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = implementation, LabelSmoothing = labelled ? 0.1 : 0.0, ChunkSize = 256 }).to(image.device);
                    value = labelled ? m.forward(a, b, labels) : m.forward(a, b);
                    break;
                }

            case "SigLIP":
                {
                    using var m = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { Implementation = implementation, ChunkSize = 256 }).to(image.device);
                    value = labelled ? m.forward(a, b, labels) : m.forward(a, b);
                    break;
                }

            default:
                if (implementation == ContrastiveImplementation.Fused)
                {
                    using var m = new SupervisedContrastiveLoss();
                    value = m.forward(stack(new[] { a, b }, 1), labels);
                }
                else
                {
                    // The module's dense path, spelled out: it always picks the fused kernel on CUDA.
                    var z = nn.functional.normalize(stack(new[] { a, b }, 1).to_type(ScalarType.Float32), p: 2, dim: -1);
                    var contrast = z.transpose(0, 1).reshape(-1, z.shape[2]);
                    var contrastLabels = labels.repeat(2);
                    var logits = contrast.mm(contrast.t()) / 0.07;
                    var self = eye(contrast.shape[0], contrast.shape[0], ScalarType.Bool, image.device);
                    var positives = contrastLabels.unsqueeze(1).eq(contrastLabels.unsqueeze(0)).logical_and(self.logical_not());
                    value = SupConMath.Khosla(logits, positives, self, 1.0).to_type(image.dtype);
                }

                break;
        }

        value.backward();
        return (value.to_type(ScalarType.Float64).item<double>(), a.grad!.to_type(ScalarType.Float64), b.grad!.to_type(ScalarType.Float64));
    }

    private static void Check(Report report, string loss, int batch, int depth, ScalarType dtype, bool labelled, Device device)
    {
        using var scope = NewDisposeScope();
        try
        {
            // Sample on CPU and move: CUDA kernels reject a CPU generator, and CPU streams are reproducible everywhere.
            using var generator = new Generator((ulong)42);
            var image = randn(new long[] { batch, depth }, generator: generator).to(device).to_type(dtype);
            var text = randn(new long[] { batch, depth }, generator: generator).to(device).to_type(dtype);
            var labels = randint(0, Math.Max(2, batch / 6), new long[] { batch }, dtype: ScalarType.Int64, generator: generator).to(device);
            var fused = Evaluate(loss, ContrastiveImplementation.Fused, image, text, labels, labelled);
            foreach (var other in new[] { ContrastiveImplementation.Dense, ContrastiveImplementation.Chunked })
            {
                if (loss == "SupCon" && other == ContrastiveImplementation.Chunked)
                {
                    continue;
                }

                var reference = Evaluate(loss, other, image, text, labels, labelled);
                var gradDiff = Math.Max((fused.GradImage - reference.GradImage).abs().max().item<double>(), (fused.GradText - reference.GradText).abs().max().item<double>());
                var gradScale = Math.Max(reference.GradImage.abs().max().item<double>(), reference.GradText.abs().max().item<double>());
                var rel = gradDiff / Math.Max(gradScale, 1e-30);
                var lossDiff = Math.Abs(fused.Loss - reference.Loss);
                var tolerance = Tolerance(dtype);
                var pass = lossDiff <= tolerance * Math.Max(1, Math.Abs(reference.Loss)) && rel <= tolerance;
                report.Checks.Add(new CheckRow("torch", loss, CaseName(labelled, dtype), dtype.ToString(), batch, depth, other.ToString(), lossDiff, gradDiff, rel, pass, $"loss {fused.Loss:G6}, tol {tolerance:G2}"));
            }
        }
        catch (Exception e)
        {
            report.Checks.Add(new CheckRow("torch", loss, CaseName(labelled, dtype), dtype.ToString(), batch, depth, "-", double.NaN, double.NaN, double.NaN, false, "exception: " + e.Message));
        }
    }

    /// <summary>
    /// Relative tolerance of Fused against Dense/Chunked: 16-bit results are rounded to 16 bits by both paths
    /// (bf16: 8 mantissa bits; the fused backward also rounds dS to the input type for the tensor-core product);
    /// TF32 products carry 11 bits (unit round-off 2^-11 ≈ 4.9e-4, a few ulps through exp and the sums); exact fp32
    /// agrees to float rounding.
    /// </summary>
    private static double Tolerance(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => 2e-2,
        ScalarType.Float16 => 5e-3,
        _ => FusedKernels.AllowTf32 && FusedRuntime.UsesTensorCores(0, FusedElement.Float32) ? 5e-3 : 2e-4,
    };

    private static string CaseName(bool labelled, ScalarType dtype) =>
        (labelled ? "labels" : "pairs") + (dtype == ScalarType.Float32 ? (FusedKernels.AllowTf32 ? " TF32" : " exact") : string.Empty);

    /// <summary>The bf16 kernels called directly on bf16 features: compare with Dense on the same values in fp32.</summary>
    private static void DirectBFloat16(Report report, int batch, int depth, Device device)
    {
        using var scope = NewDisposeScope();
        try
        {
            using var generator = new Generator((ulong)7);
            var x32 = nn.functional.normalize(randn(new long[] { batch, depth }, generator: generator).to(device), dim: 1).to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
            var y32 = nn.functional.normalize(randn(new long[] { batch, depth }, generator: generator).to(device), dim: 1).to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
            var classes = arange(batch, dtype: ScalarType.Int64, device: device);
            var xb = x32.to_type(ScalarType.BFloat16).requires_grad_(true);
            var yb = y32.to_type(ScalarType.BFloat16).requires_grad_(true);
            var scale = tensor(14.285714f, device: device);
            var fused = FusedContrastiveFunction.ImageText(xb, yb, scale, classes, 0.0, 0.5, 0.5);
            fused.backward();
            var xr = x32.requires_grad_(true);
            var yr = y32.requires_grad_(true);
            var dense = ImageTextContrastiveLoss.Dense(xr, yr, scale, classes, ones(batch, device: device), 0.0, 0.5, 0.5);
            dense.backward();
            var lossDiff = Math.Abs(fused.item<float>() - dense.item<float>());
            var gradDiff = (xb.grad!.to_type(ScalarType.Float32) - xr.grad!).abs().max().item<float>();
            var rel = gradDiff / Math.Max(xr.grad!.abs().max().item<float>(), 1e-30f);
            report.Checks.Add(new CheckRow("torch", "ITC", "bf16 kernel input", "BFloat16", batch, depth, "Dense fp32", lossDiff, gradDiff, rel, lossDiff < 1e-4 && rel < 1e-2, "kernel reads bf16, grads rounded to bf16"));
        }
        catch (Exception e)
        {
            report.Checks.Add(new CheckRow("torch", "ITC", "bf16 kernel input", "BFloat16", batch, depth, "-", double.NaN, double.NaN, double.NaN, false, "exception: " + e.Message));
        }
    }

    private static void Time(Report report, string loss, ContrastiveImplementation implementation, int batch, int depth, Device device, ScalarType dtype, string variant)
    {
        using var scope = NewDisposeScope();
        try
        {
            using var generator = new Generator((ulong)3);
            var image = randn(new long[] { batch, depth }, generator: generator).to(device).to_type(dtype).requires_grad_(true);
            var text = randn(new long[] { batch, depth }, generator: generator).to(device).to_type(dtype).requires_grad_(true);
            var labels = randint(0, Math.Max(2, batch / 8), new long[] { batch }, dtype: ScalarType.Int64, generator: generator).to(device);
            Action forward = () =>
            {
                using var s = NewDisposeScope();
                RunOnce(loss, implementation, image, text, labels, backward: false);
            };
            Action both = () =>
            {
                using var s = NewDisposeScope();
                RunOnce(loss, implementation, image, text, labels, backward: true);
            };
            var reps = GpuTimer.Repetitions(batch);
            var f = GpuTimer.Milliseconds(forward, 2, reps);
            var fb = GpuTimer.Milliseconds(both, 2, reps);
            report.Timings.Add(new TimingRow("torch", loss, implementation.ToString(), dtype.ToString(), batch, depth, reps, f, fb, (loss == "SupCon" ? "features [B, 2, D]" : "pairs") + (implementation == ContrastiveImplementation.Fused || dtype != ScalarType.Float32 ? ", " + variant : string.Empty)));
        }
        catch (Exception e)
        {
            report.Note($"timing {loss} {implementation} B={batch} failed: {e.Message}");
        }
    }

    private static readonly Dictionary<(string, ContrastiveImplementation), nn.Module<Tensor, Tensor, Tensor>> Modules = new();

    private static void RunOnce(string loss, ContrastiveImplementation implementation, Tensor image, Tensor text, Tensor labels, bool backward)
    {
        Tensor value;
        if (loss == "SupCon" && implementation != ContrastiveImplementation.Fused)
        {
            var z = nn.functional.normalize(stack(new[] { image, text }, 1), p: 2, dim: -1);
            var contrast = z.transpose(0, 1).reshape(-1, z.shape[2]);
            var contrastLabels = labels.repeat(2);
            var self = eye(contrast.shape[0], contrast.shape[0], ScalarType.Bool, image.device);
            var positives = contrastLabels.unsqueeze(1).eq(contrastLabels.unsqueeze(0)).logical_and(self.logical_not());
            value = SupConMath.Khosla(contrast.mm(contrast.t()) / 0.07, positives, self, 1.0);
        }
        else
        {
            if (!Modules.TryGetValue((loss, implementation), out var module))
            {
                module = loss switch
                {
                    "ITC" => new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = implementation }).to(image.device),
                    "SigLIP" => new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { Implementation = implementation }).to(image.device),
                    _ => new SupervisedContrastiveLoss(),
                };
                Modules[(loss, implementation)] = module;
            }

            value = loss == "SupCon" ? module.forward(stack(new[] { image, text }, 1), labels) : module.forward(image, text);
        }

        if (backward)
        {
            image.grad?.zero_();
            text.grad?.zero_();
            value.backward();
        }
    }
}
