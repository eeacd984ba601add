using System;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static AuxLosses.Tests.Supervised.SupConTestData;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Supervised;

public sealed class CrossModalSupervisedContrastiveLossTests
{
    /// <summary>Anchor i against all candidates; positives are the same-label candidates including j = i.</summary>
    private static double Directional(double[][] a, double[][] c, long[] y, double tau, double baseTau)
    {
        var rows = Enumerable.Range(0, a.Length).Select(i =>
        {
            var denominator = c.Sum(cj => Math.Exp(Dot(a[i], cj) / tau));
            return Enumerable.Range(0, c.Length).Where(p => y[p] == y[i])
                .Average(p => Math.Log(Math.Exp(Dot(a[i], c[p]) / tau) / denominator));
        });
        return -(tau / baseTau) * rows.Average();
    }

    [Fact]
    public void Matches_the_formula_worked_by_hand_on_two_pairs()
    {
        // a0 = (1,0), a1 = (0,1); c0 = (0,1), c1 = (1,0); labels 0,1; τ = 1. Each anchor's only positive is its
        // paired candidate, whose logit is 0 against a competitor at 1: log(1/(1+e)).
        var expected = -Math.Log(1 / (1 + Math.E));
        using var loss = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Temperature = 1, BaseTemperature = 1 });
        using var value = loss.forward(Matrix(new[] { new[] { 1.0, 0 }, new[] { 0.0, 1 } }), Matrix(new[] { new[] { 0.0, 1 }, new[] { 1.0, 0 } }), Labels(0, 1));
        value.item<double>().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Same_label_candidates_are_positives_and_the_loss_is_directional()
    {
        var a = new[] { new[] { 2.0, 1 }, new[] { -1.0, 3 }, new[] { 0.5, -2 }, new[] { 1.0, 1 } };
        var c = new[] { new[] { 1.0, 0 }, new[] { -2.0, 1 }, new[] { 1.0, -1 }, new[] { 0.0, 2 } };
        long[] y = { 0, 1, 0, 1 };
        var an = a.Select(Normalize).ToArray();
        var cn = c.Select(Normalize).ToArray();
        using var scope = NewDisposeScope();
        var forward = Directional(an, cn, y, 0.25, 0.07);
        var backward = Directional(cn, an, y, 0.25, 0.07);
        forward.Should().NotBeApproximately(backward, 1e-3, "the two directions differ in general");
        using var one = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Temperature = 0.25 });
        one.forward(Matrix(a), Matrix(c), Labels(y)).item<double>().Should().BeApproximately(forward, 1e-12);
        using var both = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Temperature = 0.25, Symmetric = true });
        both.forward(Matrix(a), Matrix(c), Labels(y)).item<double>().Should().BeApproximately(0.5 * (forward + backward), 1e-12);
    }

    [Theory]
    [InlineData(SupConVariant.Khosla, false)]
    [InlineData(SupConVariant.Khosla, true)]
    [InlineData(SupConVariant.SppSclReference, false)]
    public void Gradients_match_finite_differences(SupConVariant variant, bool symmetric)
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Temperature = 0.4, Variant = variant, Symmetric = symmetric });
        var labels = Labels(0, 1, 0, 2, 1);
        GradientCheck.Assert(x => loss.forward(x[0], x[1], labels), new[] { randn(5, 3, dtype: ScalarType.Float64), randn(5, 3, dtype: ScalarType.Float64) });
    }

    [Theory]
    [InlineData(SupConVariant.Khosla)]
    [InlineData(SupConVariant.SppSclReference)]
    public void Batch_permutation_leaves_the_loss_unchanged(SupConVariant variant)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var a = randn(new long[] { 6, 4 }, dtype: ScalarType.Float64, generator: generator);
        var c = randn(new long[] { 6, 4 }, dtype: ScalarType.Float64, generator: generator);
        var labels = Labels(0, 1, 0, 2, 1, 0);
        var permutation = tensor(new long[] { 5, 3, 1, 0, 2, 4 });
        using var loss = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Variant = variant });
        var before = loss.forward(a, c, labels).item<double>();
        var after = loss.forward(a.index_select(0, permutation), c.index_select(0, permutation), labels.index_select(0, permutation)).item<double>();
        after.Should().BeApproximately(before, 1e-10);
    }

    [Fact]
    public void Khosla_and_reference_differ_only_by_the_reference_epsilon()
    {
        // Every anchor has its pair as a positive, so no row is empty and the self term does not exist.
        using var scope = NewDisposeScope();
        var a = randn(6, 4, dtype: ScalarType.Float64);
        var c = randn(6, 4, dtype: ScalarType.Float64);
        var labels = Labels(0, 1, 2, 0, 1, 2);
        using var khosla = new CrossModalSupervisedContrastiveLoss();
        using var reference = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Variant = SupConVariant.SppSclReference });
        khosla.forward(a, c, labels).item<double>().Should().BeApproximately(reference.forward(a, c, labels).item<double>(), 1e-10);
    }

    [Fact]
    public void Edge_cases_are_finite()
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Symmetric = true });
        // B = 1: the only candidate is the positive → log 1 = 0.
        loss.forward(randn(1, 3), randn(1, 3), Labels(0)).item<float>().Should().BeApproximately(0f, 1e-6f);
        // All one label, duplicate embeddings: every candidate is a positive with probability 1/B → log B.
        var same = ones(4, 2, dtype: ScalarType.Float64);
        loss.forward(same, same, Labels(1, 1, 1, 1)).item<double>().Should().BeApproximately(Math.Log(4), 1e-12);
        // Zero vectors.
        var a = randn(3, 2);
        a[0] = zeros(2);
        a.requires_grad_(true);
        var c = zeros(3, 2).requires_grad_(true);
        var value = loss.forward(a, c, Labels(0, 1, 0));
        AssertFinite(value, "loss");
        value.backward();
        AssertFinite(a.grad!, "anchor grad");
        AssertFinite(c.grad!, "candidate grad");
    }

    [Theory]
    [InlineData(ScalarType.Float32, true)]
    [InlineData(ScalarType.Float32, false)]
    [InlineData(ScalarType.BFloat16, true)]
    [InlineData(ScalarType.BFloat16, false)]
    public void Features_scaled_to_1e4_stay_finite(ScalarType dtype, bool normalize)
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Normalize = normalize, Symmetric = true });
        var a = (randn(5, 4).sign() * 1e4).to(dtype).requires_grad_(true);
        var c = (randn(5, 4).sign() * -1e4).to(dtype).requires_grad_(true);
        var value = loss.forward(a, c, Labels(0, 1, 0, 1, 2));
        value.dtype.Should().Be(dtype);
        AssertFinite(value, "loss");
        value.backward();
        AssertFinite(a.grad!, "anchor grad");
        AssertFinite(c.grad!, "candidate grad");
    }

    [Fact]
    public void Bad_inputs_throw_argument_exceptions_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossModalSupervisedContrastiveLoss();
        var a = randn(4, 3);
        var labels = Labels(0, 1, 0, 1);
        Action shape = () => loss.forward(a, randn(4, 2), labels);
        shape.Should().Throw<ArgumentException>().Where(e => e.ParamName == "candidates" && e.Message.Contains("[4, 2]"));
        Action rows = () => loss.forward(a, randn(5, 3), labels);
        rows.Should().Throw<ArgumentException>().Where(e => e.ParamName == "candidates");
        Action dtype = () => loss.forward(a, randn(4, 3, dtype: ScalarType.Float64), labels);
        dtype.Should().Throw<ArgumentException>().Where(e => e.ParamName == "candidates" && e.Message.Contains("Float64"));
        Action device = () => loss.forward(a, empty(4, 3, device: new Device(DeviceType.META)), labels);
        device.Should().Throw<ArgumentException>().Where(e => e.ParamName == "candidates" && e.Message.Contains("device"));
        Action labelLength = () => loss.forward(a, randn(4, 3), Labels(0, 1));
        labelLength.Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        Action labelDtype = () => loss.forward(a, randn(4, 3), tensor(new[] { 0.0, 1, 0, 1 }));
        labelDtype.Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        var inf = randn(4, 3);
        inf[0, 0] = tensor(float.PositiveInfinity);
        Action infinite = () => loss.forward(a, inf, labels);
        infinite.Should().Throw<ArgumentException>().Where(e => e.ParamName == "candidates");
        Action emptyBatch = () => loss.forward(zeros(0, 3), zeros(0, 3), tensor(Array.Empty<long>()));
        emptyBatch.Should().Throw<ArgumentException>().Where(e => e.ParamName == "anchors");
        Action badTemperature = () => _ = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Temperature = -1 });
        badTemperature.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Temperature");
    }

    [Fact]
    public void Repeated_forward_backward_does_not_leak_tensors()
    {
        using var loss = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Symmetric = true });
        using var labels = Labels(0, 1, 0, 2, 1, 2);
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            var a = randn(6, 4).requires_grad_(true);
            var c = randn(6, 4).requires_grad_(true);
            loss.forward(a, c, labels).backward();
        });
    }
}
