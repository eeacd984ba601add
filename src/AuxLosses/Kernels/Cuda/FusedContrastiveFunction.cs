using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// Autograd function over the fused CUDA kernels (FusedContrastive.cu): forward saves only the inputs and O(M + N)
/// statistics, backward recomputes every logits tile. Same math as <see cref="ChunkedSoftmaxContrastive"/> (ITC),
/// <see cref="ChunkedSigmoidContrastive"/> (SigLIP) and <see cref="SupConMath.Khosla"/> (SupCon, diagonal masked).
/// Inputs are float32, bfloat16 or float16 CUDA tensors (16-bit ones go to tensor cores as they are, float32 ones as
/// TF32 unless <see cref="FusedKernels.AllowTf32"/> is off); the loss comes back in float32, gradients in the input
/// dtype. Gradients are accumulated with atomics, so they are reproducible only up to float rounding.
/// </summary>
internal sealed class FusedContrastiveFunction : autograd.SingleTensorFunction<FusedContrastiveFunction>
{
    private static readonly ConcurrentDictionary<int, int> MultiprocessorCounts = new();

    /// <inheritdoc/>
    public override string Name => nameof(FusedContrastiveFunction);

    /// <summary>ITC / CLIP loss of x, y [B, D] with scale s (0-d) and classes [B] (arange without labels).</summary>
    public static Tensor ImageText(Tensor x, Tensor y, Tensor scale, Tensor classes, double smoothing, double rowWeight, double columnWeight) =>
        apply(x, y, scale, scale, classes, classes, new FusedLossSpec(FusedLossKind.ImageText, false, (float)smoothing, (float)rowWeight, (float)columnWeight, 0f));

    /// <summary>SigLIP loss of x, y [B, D] with scale s and bias b (0-d) and classes [B].</summary>
    public static Tensor Sigmoid(Tensor x, Tensor y, Tensor scale, Tensor bias, Tensor classes) =>
        apply(x, y, scale, bias, classes, classes, new FusedLossSpec(FusedLossKind.Sigmoid, false, 0f, 0f, 0f, 0f));

    /// <summary>
    /// Khosla SupCon of anchors [M, D] against candidates [N, D] (anchor k's own column is k), logits scaled by
    /// <paramref name="inverseTemperature"/> (0-d), loss multiplied by <paramref name="coefficient"/> (τ/τ_base).
    /// </summary>
    public static Tensor SupCon(Tensor anchors, Tensor candidates, Tensor inverseTemperature, Tensor anchorLabels, Tensor candidateLabels, double coefficient) =>
        apply(anchors, candidates, inverseTemperature, inverseTemperature, anchorLabels, candidateLabels, new FusedLossSpec(FusedLossKind.SupCon, true, 0f, 0f, 0f, (float)coefficient));

    /// <summary>The kernels' element type for <paramref name="dtype"/>, or null when they do not read it.</summary>
    public static FusedElement? ElementOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => FusedElement.Float32,
        ScalarType.BFloat16 => FusedElement.BFloat16,
        ScalarType.Float16 => FusedElement.Float16,
        _ => null,
    };

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, y, scale, bias, rowLabels, columnLabels) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5]);
        var spec = (FusedLossSpec)vars[6];
        using var scope = NewDisposeScope();
        var element = ElementOf(x.dtype) ?? throw new ArgumentException($"The fused kernels read float32, bfloat16 or float16, but x is {x.dtype}.", nameof(vars));
        var device = x.device;
        var ordinal = device.index < 0 ? 0 : device.index;
        var (rows, columns, depth) = ((int)x.shape[0], (int)y.shape[0], (int)x.shape[1]);
        var splits = FusedKernelSource.Splits(rows, columns, MultiprocessorCounts.GetOrAdd(ordinal, FusedRuntime.Multiprocessors));

        var xc = x.contiguous();
        var yc = y.to_type(x.dtype).contiguous();
        var sc = scale.to_type(ScalarType.Float32).contiguous();
        var bc = bias.to_type(ScalarType.Float32).contiguous();
        var rl = rowLabels.to_type(ScalarType.Int64).contiguous();
        var cl = columnLabels.to_type(ScalarType.Int64).contiguous();
        var rowPart = empty(FusedKernelSource.RowPartFloats(rows, splits), dtype: ScalarType.Float32, device: device);
        var columnPart = empty(Math.Max(1, FusedKernelSource.ColumnPartFloats(rows, columns)), dtype: ScalarType.Float32, device: device);
        var stats = empty(FusedKernelSource.StatsFloats(rows, columns), dtype: ScalarType.Float32, device: device);
        var output = zeros(2, dtype: ScalarType.Float32, device: device);
        var buffers = Buffers(xc, yc, rl, cl, sc, bc, stats, output, rowPart, columnPart);
        FusedRuntime.Forward(ordinal, element, spec, buffers, rows, columns, depth, splits);

        ctx.save_for_backward(new List<Tensor> { xc, yc, sc, bc, rl, cl, stats, output });
        ctx.save_data("spec", spec);
        // rowPart/columnPart die with this scope: the caching allocator reuses them only after stream-ordered work.
        scope.MoveToOuter(xc, yc, sc, bc, rl, cl, stats, output);
        return scope.MoveToOuter(output[0].clone());
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, y, scale, bias, rowLabels, columnLabels, stats, output) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6], saved[7]);
        var spec = (FusedLossSpec)ctx.get_data("spec");
        var device = x.device;
        var ordinal = device.index < 0 ? 0 : device.index;
        var (rows, columns, depth) = ((int)x.shape[0], (int)y.shape[0], (int)x.shape[1]);
        var dx = zeros(new long[] { rows, depth }, dtype: ScalarType.Float32, device: device);
        var dy = zeros(new long[] { columns, depth }, dtype: ScalarType.Float32, device: device);
        var gradScalars = zeros(2, dtype: ScalarType.Float64, device: device);
        var upstream = grad_output.to_type(ScalarType.Float32).contiguous();
        var buffers = Buffers(x, y, rowLabels, columnLabels, scale, bias, stats, output, IntPtr.Zero, IntPtr.Zero);
        FusedRuntime.Backward(ordinal, ElementOf(x.dtype)!.Value, spec, buffers, TensorPointers.Of(upstream), rows, columns, depth,
            TensorPointers.Of(dx), TensorPointers.Of(dy), TensorPointers.Of(gradScalars));

        var gx = dx.to_type(x.dtype);
        var gy = dy.to_type(x.dtype);
        var gs = gradScalars[0].to_type(ScalarType.Float32);
        // ITC and SupCon pass the scale as "bias" too: only SigLIP has a bias gradient.
        var gb = spec.Kind == FusedLossKind.Sigmoid ? gradScalars[1].to_type(ScalarType.Float32) : null;
        scope.MoveToOuter(gx, gy, gs);
        if (gb is not null)
        {
            scope.MoveToOuter(gb);
        }

        return new List<Tensor> { gx, gy, gs, gb!, null!, null!, null! };
    }

    private static FusedForwardBuffers Buffers(Tensor x, Tensor y, Tensor rowLabels, Tensor columnLabels, Tensor scale, Tensor bias, Tensor stats, Tensor output, Tensor rowPart, Tensor columnPart) =>
        Buffers(x, y, rowLabels, columnLabels, scale, bias, stats, output, TensorPointers.Of(rowPart), TensorPointers.Of(columnPart));

    private static FusedForwardBuffers Buffers(Tensor x, Tensor y, Tensor rowLabels, Tensor columnLabels, Tensor scale, Tensor bias, Tensor stats, Tensor output, IntPtr rowPart, IntPtr columnPart) =>
        new(TensorPointers.Of(x), TensorPointers.Of(y), TensorPointers.Of(rowLabels), TensorPointers.Of(columnLabels),
            TensorPointers.Of(scale), TensorPointers.Of(bias), rowPart, columnPart, TensorPointers.Of(stats), TensorPointers.Of(output));
}
