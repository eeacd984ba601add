using System;
using System.Linq;
using AuxLosses.Internal;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Kernels;

/// <summary>
/// The fused kernels' logic (tiling, masking, online LSE merge, finalize, recompute backward) run by the scalar
/// emulator on ragged batches, against the dense losses differentiated by autograd in float64.
/// </summary>
public sealed class FusedKernelEmulatorTests
{
    private const int Depth = 6;

    [Theory]
    [InlineData(1, false, 0.0, 1)]
    [InlineData(37, false, 0.0, 1)]
    [InlineData(70, false, 0.1, 2)]
    [InlineData(70, true, 0.0, 1)]
    [InlineData(37, true, 0.2, 1)]
    [InlineData(150, true, 0.1, 2)]
    [InlineData(150, false, 0.0, 3)]
    public void ImageText_matches_dense_values_and_gradients(int batch, bool withLabels, double smoothing, int splits)
    {
        using var scope = NewDisposeScope();
        var (x, y, labels) = Inputs(batch, batch, withLabels, seed: batch);
        var scale = tensor(14.285714, dtype: ScalarType.Float64).requires_grad_(true);
        var (classes, counts) = ContrastiveCommon.Classes(labels, batch, CPU, ScalarType.Float64);
        var dense = ImageTextContrastiveLoss.Dense(x, y, scale, classes, counts, smoothing, 0.3, 0.7);
        dense.backward();

        var spec = new FusedLossSpec(FusedLossKind.ImageText, false, (float)smoothing, 0.3f, 0.7f, 0f);
        var (loss, dx, dy, ds, _) = Emulate(spec, x, y, classes, classes, 14.285714f, 0f, splits);

        loss.Should().BeApproximately(dense.item<double>(), 2e-5 * Math.Max(1, Math.Abs(dense.item<double>())));
        MaxDiff(dx, x.grad!).Should().BeLessThan(2e-6);
        MaxDiff(dy, y.grad!).Should().BeLessThan(2e-6);
        ds.Should().BeApproximately(scale.grad!.item<double>(), 1e-5 * Math.Max(1, Math.Abs(scale.grad!.item<double>())));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(37, 37, 1)]
    [InlineData(70, 70, 2)]
    [InlineData(37, 74, 2)] // contrast mode One: anchors are the first view only
    [InlineData(130, 130, 3)]
    public void SupCon_matches_khosla_values_and_gradients(int anchors, int candidates, int splits)
    {
        using var scope = NewDisposeScope();
        var (x, y, _) = Inputs(anchors, candidates, false, seed: 100 + anchors);
        using var generator = new Generator(7);
        var candidateLabels = randint(0, 5, new long[] { candidates }, dtype: ScalarType.Int64, generator: generator);
        var anchorLabels = candidateLabels.narrow(0, 0, anchors);
        const double temperature = 0.1, coefficient = 0.5;
        var logits = x.mm(y.t()) / temperature;
        var self = eye(anchors, candidates, ScalarType.Bool);
        var positives = anchorLabels.unsqueeze(1).eq(candidateLabels.unsqueeze(0)).logical_and(self.logical_not());
        var dense = SupConMath.Khosla(logits, positives, self, coefficient);
        dense.backward();

        var spec = new FusedLossSpec(FusedLossKind.SupCon, true, 0f, 0f, 0f, (float)coefficient);
        var (loss, dx, dy, _, _) = Emulate(spec, x, y, anchorLabels, candidateLabels, (float)(1 / temperature), 0f, splits);

        loss.Should().BeApproximately(dense.item<double>(), 2e-5 * Math.Max(1, Math.Abs(dense.item<double>())));
        MaxDiff(dx, x.grad!).Should().BeLessThan(5e-6);
        MaxDiff(dy, y.grad!).Should().BeLessThan(5e-6);
    }

    [Theory]
    [InlineData(1, false, 1)]
    [InlineData(37, true, 1)]
    [InlineData(70, false, 2)]
    [InlineData(150, true, 3)]
    public void Sigmoid_matches_dense_values_and_gradients(int batch, bool withLabels, int splits)
    {
        using var scope = NewDisposeScope();
        var (x, y, labels) = Inputs(batch, batch, withLabels, seed: 200 + batch);
        var scale = tensor(10.0, dtype: ScalarType.Float64).requires_grad_(true);
        var bias = tensor(-10.0, dtype: ScalarType.Float64).requires_grad_(true);
        var (classes, _) = ContrastiveCommon.Classes(labels, batch, CPU, ScalarType.Float64);
        var dense = SigmoidContrastiveLoss.Dense(x, y, scale, bias, classes);
        dense.backward();

        var spec = new FusedLossSpec(FusedLossKind.Sigmoid, false, 0f, 0f, 0f, 0f);
        var (loss, dx, dy, ds, db) = Emulate(spec, x, y, classes, classes, 10f, -10f, splits);

        loss.Should().BeApproximately(dense.item<double>(), 2e-5 * Math.Max(1, Math.Abs(dense.item<double>())));
        MaxDiff(dx, x.grad!).Should().BeLessThan(2e-6);
        MaxDiff(dy, y.grad!).Should().BeLessThan(2e-6);
        ds.Should().BeApproximately(scale.grad!.item<double>(), 1e-5 * Math.Max(1, Math.Abs(scale.grad!.item<double>())));
        db.Should().BeApproximately(bias.grad!.item<double>(), 1e-5 * Math.Max(1, Math.Abs(bias.grad!.item<double>()))); // fp32 tile sums, as the kernel
    }

    [Fact]
    public void Supcon_without_positives_is_zero_with_zero_gradients()
    {
        using var scope = NewDisposeScope();
        var (x, _, _) = Inputs(5, 5, false, seed: 3);
        var labels = arange(5, dtype: ScalarType.Int64);
        var spec = new FusedLossSpec(FusedLossKind.SupCon, true, 0f, 0f, 0f, 1f);
        var (loss, dx, dy, _, _) = Emulate(spec, x, x, labels, labels, 14f, 0f, 1);
        loss.Should().Be(0);
        dx.Should().OnlyContain(v => v == 0f);
        dy.Should().OnlyContain(v => v == 0f);
    }

    [Fact]
    public void Huge_logits_stay_finite()
    {
        using var scope = NewDisposeScope();
        var (x, y, _) = Inputs(70, 70, false, seed: 9);
        var classes = arange(70, dtype: ScalarType.Int64);
        foreach (var kind in new[] { FusedLossKind.ImageText, FusedLossKind.SupCon, FusedLossKind.Sigmoid })
        {
            var spec = new FusedLossSpec(kind, kind == FusedLossKind.SupCon, 0f, 0.5f, 0.5f, 1f);
            var (loss, dx, dy, ds, db) = Emulate(spec, x * 100, y * 100, classes, classes, 1f, 0f, 2);
            double.IsFinite(loss).Should().BeTrue(kind.ToString());
            dx.Concat(dy).Should().OnlyContain(v => float.IsFinite(v), kind.ToString());
            double.IsFinite(ds).Should().BeTrue();
            double.IsFinite(db).Should().BeTrue();
        }
    }

    [Fact]
    public void Online_merge_equals_the_log_sum_exp_of_the_union_and_ignores_empty_parts()
    {
        var values = new[] { 3f, -1f, 80f, 79.5f, -200f, 0f };
        float m = -3.402823466e38f, l = 0f;
        FusedKernelEmulator.Merge(ref m, ref l, 5f, 0f); // empty part: no effect
        foreach (var part in new[] { values[..2], values[2..5], values[5..] })
        {
            var pm = part.Max();
            FusedKernelEmulator.Merge(ref m, ref l, pm, part.Sum(v => MathF.Exp(v - pm)));
        }

        var expected = 80 + Math.Log(values.Sum(v => Math.Exp(v - 80.0)));
        (m + Math.Log(l)).Should().BeApproximately(expected, 1e-5);
    }

    private static (Tensor X, Tensor Y, Tensor? Labels) Inputs(int rows, int columns, bool withLabels, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var x = nn.functional.normalize(randn(new long[] { rows, Depth }, dtype: ScalarType.Float64, generator: generator), dim: 1);
        var y = nn.functional.normalize(randn(new long[] { columns, Depth }, dtype: ScalarType.Float64, generator: generator), dim: 1);
        // float32-representable inputs, so the emulator and the float64 reference see the same numbers.
        x = x.to_type(ScalarType.Float32).to_type(ScalarType.Float64).requires_grad_(true);
        y = y.to_type(ScalarType.Float32).to_type(ScalarType.Float64).requires_grad_(true);
        var labels = withLabels ? randint(0, 4, new long[] { rows }, dtype: ScalarType.Int64, generator: generator) : null;
        return (x, y, labels);
    }

    private static (double Loss, float[] Dx, float[] Dy, double Ds, double Db) Emulate(FusedLossSpec spec, Tensor x, Tensor y, Tensor rowLabels, Tensor columnLabels, float scale, float bias, int splits)
    {
        var xs = Floats(x);
        var ys = Floats(y);
        var rl = rowLabels.data<long>().ToArray();
        var cl = columnLabels.data<long>().ToArray();
        var (rows, columns, depth) = ((int)x.shape[0], (int)y.shape[0], (int)x.shape[1]);
        var (loss, stats, output) = FusedKernelEmulator.Forward(spec, xs, ys, rl, cl, rows, columns, depth, scale, bias, splits);
        var (dx, dy, ds, db) = FusedKernelEmulator.Backward(spec, xs, ys, rl, cl, rows, columns, depth, scale, bias, stats, output, 1f);
        return (loss, dx, dy, ds, db);
    }

    private static float[] Floats(Tensor t)
    {
        using var noGrad = no_grad();
        return t.detach().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    private static double MaxDiff(float[] actual, Tensor expected)
    {
        var e = expected.contiguous().data<double>().ToArray();
        e.Length.Should().Be(actual.Length);
        return e.Select((v, i) => Math.Abs(v - actual[i])).Max();
    }
}
