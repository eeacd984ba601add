using System;
using AuxLosses;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using Xunit;
using static AuxLosses.Tests.Contrastive.ContrastiveTestHelpers;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Contrastive;

/// <summary>
/// The dense ITC and SigLIP losses are evaluated without B×B masks or target matrices (log-sum-exp minus
/// feature-space positive sums). These tests hold them against the textbook B×B formulas written out here, and
/// cover the cases the factoring introduces: no labels vs all-distinct labels, one direction weighted 0, ±1e4 logits.
/// </summary>
public sealed class FactoredDenseTests
{
    /// <summary>Soft-target cross-entropy both ways on an explicit Q matrix (float64, the pre-factoring formula).</summary>
    private static Tensor NaiveClip(Tensor x, Tensor y, double scale, long[] labels, double smoothing, double wr, double wc)
    {
        var b = x.shape[0];
        var logits = x.mm(y.t()) * scale;
        var classes = tensor(labels);
        var pos = classes.unsqueeze(1).eq(classes.unsqueeze(0)).to_type(ScalarType.Float64);
        var q = pos / pos.sum(1, keepdim: true) * (1 - smoothing) + smoothing / b;
        var rows = -(q * logits.log_softmax(1)).sum() / b;
        var columns = -(q * logits.log_softmax(0)).sum() / b;
        return rows * wr + columns * wc;
    }

    private static ImageTextContrastiveLoss Clip(double smoothing, double wr, double wc) => new(new ContrastiveLossOptions
    {
        Implementation = ContrastiveImplementation.Dense,
        Normalize = false,
        LearnableTemperature = false,
        Temperature = 0.5,
        LabelSmoothing = smoothing,
        ImageToTextWeight = wr,
        TextToImageWeight = wc,
    });

    [Theory]
    [InlineData(0.0, 0.5, 0.5)]
    [InlineData(0.2, 0.5, 0.5)]
    [InlineData(0.1, 1.0, 0.0)]
    [InlineData(0.1, 0.0, 1.0)]
    [InlineData(0.3, 0.25, 0.75)]
    public void Itc_without_labels_equals_all_distinct_labels_and_the_explicit_target_matrix(double smoothing, double wr, double wc)
    {
        using var scope = NewDisposeScope();
        using var loss = Clip(smoothing, wr, wc);
        var x = Features(9, 5, 301);
        var y = Features(9, 5, 302);
        var distinct = new long[] { 4, 0, 7, 1, 8, 2, 6, 3, 5 };
        var unlabeled = loss.forward(x, y).item<double>();
        var labeled = loss.forward(x, y, tensor(distinct)).item<double>();
        var naive = NaiveClip(x, y, 2.0, distinct, smoothing, wr, wc).item<double>();
        unlabeled.Should().BeApproximately(naive, 1e-12);
        labeled.Should().BeApproximately(naive, 1e-12);
    }

    [Theory]
    [InlineData(0.0, 0.5, 0.5)]
    [InlineData(0.15, 1.0, 0.0)]
    [InlineData(0.15, 0.0, 1.0)]
    [InlineData(0.15, 0.4, 0.6)]
    public void Itc_with_labels_matches_the_explicit_target_matrix_in_value_and_gradient(double smoothing, double wr, double wc)
    {
        using var scope = NewDisposeScope();
        using var loss = Clip(smoothing, wr, wc);
        var labels = new long[] { 2, 0, 2, 1, 0, 2, 5 };
        var x = Features(7, 4, 311).requires_grad_(true);
        var y = Features(7, 4, 312).requires_grad_(true);
        var xr = x.detach().clone().requires_grad_(true);
        var yr = y.detach().clone().requires_grad_(true);
        var value = loss.forward(x, y, tensor(labels));
        var naive = NaiveClip(xr, yr, 2.0, labels, smoothing, wr, wc);
        value.backward();
        naive.backward();
        value.item<double>().Should().BeApproximately(naive.item<double>(), 1e-12);
        MaxAbsDiff(x.grad!, xr.grad!).Should().BeLessThan(1e-12);
        MaxAbsDiff(y.grad!, yr.grad!).Should().BeLessThan(1e-12);

        // The hand-written backward of the log-sum-exp pair (each weight branch) against finite differences, scale included.
        var classes = tensor(labels);
        var (_, inverse, counts) = classes.unique(sorted: false, return_inverse: true, return_counts: true);
        var n = counts!.index_select(0, inverse!).to_type(ScalarType.Float64);
        GradientCheck.Assert(
            v => ImageTextContrastiveLoss.Dense(v[0], v[1], v[2], classes, n, smoothing, wr, wc),
            new[] { Features(7, 4, 313), Features(7, 4, 314), tensor(1.7, dtype: ScalarType.Float64) });
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Itc_unlabelled_with_smoothing_and_one_sided_weights_stays_finite_at_1e4_logits(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        foreach (var (wr, wc) in new[] { (1.0, 0.0), (0.0, 1.0), (0.5, 0.5) })
        {
            using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions
            {
                Implementation = ContrastiveImplementation.Dense,
                Normalize = false,
                LearnableTemperature = false,
                Temperature = 1.0,
                MaxLogitScale = 1.0,
                LabelSmoothing = 0.1,
                ImageToTextWeight = wr,
                TextToImageWeight = wc,
            });
            // Unit text rows and ±100 image rows: logits ±1e4 with huge gaps inside every row and column.
            var x = (Features(6, 1, 321, ScalarType.Float32).sign() * 100).expand(6, 4).contiguous().to_type(dtype).requires_grad_(true);
            var y = (Features(6, 1, 322, ScalarType.Float32).sign() * 25).expand(6, 4).contiguous().to_type(dtype).requires_grad_(true);
            var value = loss.forward(x, y);
            value.backward();
            AllFinite(value).Should().BeTrue();
            AllFinite(x.grad!).Should().BeTrue();
            AllFinite(y.grad!).Should().BeTrue();
        }
    }

    [Fact]
    public void Siglip_without_labels_equals_all_distinct_labels_and_the_explicit_sign_matrix()
    {
        using var scope = NewDisposeScope();
        using var loss = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense, Normalize = false });
        Set(loss.LogScale, Math.Log(3.0));
        Set(loss.LogitBias, -2.0);
        var x = Features(8, 5, 331);
        var y = Features(8, 5, 332);
        var distinct = new long[] { 7, 6, 5, 4, 3, 2, 1, 0 };
        var grouped = new long[] { 1, 1, 0, 2, 1, 0, 3, 3 };
        foreach (var labels in new[] { distinct, grouped })
        {
            var classes = tensor(labels);
            var z = classes.unsqueeze(1).eq(classes.unsqueeze(0)).to_type(ScalarType.Float64) * 2 - 1;
            var naive = (-nn.functional.logsigmoid(z * (x.mm(y.t()) * 3.0 - 2.0)).sum() / 8).item<double>();
            loss.forward(x, y, classes).item<double>().Should().BeApproximately(naive, 1e-12);
            if (labels == distinct)
            {
                loss.forward(x, y).item<double>().Should().BeApproximately(naive, 1e-12);
            }
        }
    }
}
