using System;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static AuxLosses.Tests.Supervised.SupConTestData;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Supervised;

public sealed class SupervisedContrastiveLossTests
{
    private static readonly double[][] ThreePoints = { new[] { 1.0, 0.0 }, new[] { 0.0, 1.0 }, new[] { -1.0, 0.0 } };

    [Fact]
    public void Khosla_matches_the_formula_worked_by_hand_on_three_points()
    {
        // z0 = (1,0), z1 = (0,1), z2 = (−1,0); labels 0,0,1; τ = τ_base = 0.5.
        // Anchor 0: positive 1, s01 = 0, s02 = −2  → log(e^0 / (e^0 + e^−2)).
        // Anchor 1: positive 0, s10 = 0, s12 = 0   → log(1/2).
        // Anchor 2: no positive → left out of the mean.
        var expected = -0.5 * (Math.Log(1 / (1 + Math.Exp(-2))) + Math.Log(0.5));
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.5, BaseTemperature = 0.5 });
        using var value = loss.forward(Matrix(ThreePoints), Labels(0, 0, 1));
        value.item<double>().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Reference_variant_keeps_the_zeroed_self_logit_and_averages_positive_free_rows_as_zero()
    {
        // SPP-SCL zeroes the self logit (exp(0) = 1 stays in the denominator) and divides by all 3 rows.
        var anchor0 = 0 - Math.Log(Math.Exp(0) + Math.Exp(-2) + 1);
        var anchor1 = 0 - Math.Log(1 + 1 + 1);
        var expected = -(anchor0 + anchor1 + 0) / 3;
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.5, Variant = SupConVariant.SppSclReference });
        using var value = loss.forward(Matrix(ThreePoints), Labels(0, 0, 1));
        value.item<double>().Should().BeApproximately(expected, 1e-9);
    }

    [Fact]
    public void Khosla_scales_by_temperature_over_base_temperature_and_normalizes_inputs()
    {
        var rows = new[] { new[] { 3.0, 1.0 }, new[] { -1.0, 2.0 }, new[] { 0.5, -4.0 }, new[] { 2.0, 2.0 } };
        long[] y = { 0, 1, 1, 0 };
        var z = rows.Select(Normalize).ToArray();
        var expected = Khosla(z, y, 0.2, 0.07, 4);
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.2, BaseTemperature = 0.07 });
        using var value = loss.forward(Matrix(rows), Labels(y));
        value.item<double>().Should().BeApproximately(expected, 1e-12);
        // Without normalization the raw dot products are used.
        using var raw = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 2, BaseTemperature = 2, Normalize = false });
        using var rawValue = raw.forward(Matrix(rows), Labels(y));
        rawValue.item<double>().Should().BeApproximately(Khosla(rows, y, 2, 2, 4), 1e-12);
    }

    [Theory]
    [InlineData(SupConContrastMode.All)]
    [InlineData(SupConContrastMode.One)]
    public void Multi_view_features_treat_other_views_as_positives(SupConContrastMode mode)
    {
        // B = 2 samples, V = 2 views, D = 2; flattened view-major: s0v0, s1v0, s0v1, s1v1.
        var v0 = new[] { new[] { 1.0, 0.0 }, new[] { 0.0, 1.0 } };
        var v1 = new[] { new[] { 0.6, 0.8 }, new[] { -1.0, 0.0 } };
        var flat = new[] { v0[0], v0[1], v1[0], v1[1] };
        long[] y = { 0, 1 };
        var expected = Khosla(flat, new long[] { 0, 1, 0, 1 }, 0.3, 0.3, mode == SupConContrastMode.All ? 4 : 2);
        using var features = stack(new[] { Matrix(v0), Matrix(v1) }, 1);
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.3, BaseTemperature = 0.3, ContrastMode = mode });
        using var value = loss.forward(features, Labels(y));
        value.item<double>().Should().BeApproximately(expected, 1e-12);
    }

    [Theory]
    [InlineData(SupConVariant.Khosla)]
    [InlineData(SupConVariant.SppSclReference)]
    public void Gradients_match_finite_differences(SupConVariant variant)
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.5, BaseTemperature = 0.3, Variant = variant });
        var labels = Labels(0, 1, 0, 2, 1);
        GradientCheck.Assert(x => loss.forward(x[0], labels), new[] { randn(5, 3, dtype: ScalarType.Float64) });
        GradientCheck.Assert(x => loss.forward(x[0], labels), new[] { randn(5, 2, 3, dtype: ScalarType.Float64) });
    }

    [Theory]
    [InlineData(SupConVariant.Khosla, SupConContrastMode.All)]
    [InlineData(SupConVariant.Khosla, SupConContrastMode.One)]
    [InlineData(SupConVariant.SppSclReference, SupConContrastMode.All)]
    public void Batch_permutation_leaves_the_loss_unchanged(SupConVariant variant, SupConContrastMode mode)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var features = randn(new long[] { 7, 2, 4 }, dtype: ScalarType.Float64, generator: generator);
        var labels = Labels(0, 1, 0, 2, 1, 3, 0);
        var permutation = tensor(new long[] { 4, 2, 6, 0, 5, 1, 3 });
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Variant = variant, ContrastMode = mode });
        var a = loss.forward(features, labels).item<double>();
        var b = loss.forward(features.index_select(0, permutation), labels.index_select(0, permutation)).item<double>();
        b.Should().BeApproximately(a, 1e-10);
        a.Should().BeGreaterThan(0);
    }

    [Theory]
    [InlineData(SupConVariant.Khosla)]
    [InlineData(SupConVariant.SppSclReference)]
    public void Single_sample_gives_zero_with_a_gradient_path(SupConVariant variant)
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Variant = variant });
        var x = randn(1, 4).requires_grad_(true);
        var value = loss.forward(x, Labels(3));
        value.item<float>().Should().Be(0f);
        value.requires_grad.Should().BeTrue();
        value.backward();
        x.grad!.abs().max().item<float>().Should().Be(0f);
    }

    [Fact]
    public void No_positives_anywhere_gives_an_exact_zero_connected_to_the_graph()
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss();
        var x = randn(4, 2, dtype: ScalarType.Float64).requires_grad_(true);
        var value = loss.forward(x, Labels(0, 1, 2, 3));
        value.item<double>().Should().Be(0);
        value.requires_grad.Should().BeTrue();
        value.backward();
        AssertFinite(x.grad!, "grad");
        x.grad!.abs().max().item<double>().Should().Be(0);
    }

    [Fact]
    public void Duplicate_embeddings_of_one_label_give_log_of_b_minus_one()
    {
        // Every logit equal: each of the B−1 positives has probability 1/(B−1).
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.1, BaseTemperature = 0.2 });
        var x = tensor(new[] { 0.3, -0.4 }, dtype: ScalarType.Float64).expand(5, 2).contiguous();
        loss.forward(x, Labels(2, 2, 2, 2, 2)).item<double>().Should().BeApproximately(0.5 * Math.Log(4), 1e-12);
    }

    [Fact]
    public void All_one_label_is_finite_and_positive()
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss();
        var x = randn(6, 3).requires_grad_(true);
        var value = loss.forward(x, Labels(1, 1, 1, 1, 1, 1));
        value.item<float>().Should().BeGreaterThan(0f);
        value.backward();
        AssertFinite(x.grad!, "grad");
    }

    [Theory]
    [InlineData(SupConVariant.Khosla)]
    [InlineData(SupConVariant.SppSclReference)]
    public void Zero_vectors_give_finite_loss_and_gradients(SupConVariant variant)
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Variant = variant });
        var x = randn(4, 3);
        x[1] = zeros(3);
        x[2] = zeros(3);
        x.requires_grad_(true);
        var value = loss.forward(x, Labels(0, 0, 1, 1));
        AssertFinite(value, "loss");
        value.backward();
        AssertFinite(x.grad!, "grad");
    }

    [Theory]
    [InlineData(ScalarType.Float32, true, SupConVariant.Khosla)]
    [InlineData(ScalarType.Float32, false, SupConVariant.Khosla)]
    [InlineData(ScalarType.BFloat16, true, SupConVariant.Khosla)]
    [InlineData(ScalarType.BFloat16, false, SupConVariant.Khosla)]
    [InlineData(ScalarType.Float32, false, SupConVariant.SppSclReference)]
    [InlineData(ScalarType.BFloat16, false, SupConVariant.SppSclReference)]
    public void Features_scaled_to_1e4_stay_finite(ScalarType dtype, bool normalize, SupConVariant variant)
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Normalize = normalize, Variant = variant });
        var x = (randn(6, 2, 4, generator: new Generator(3)).sign() * 1e4).to(dtype).requires_grad_(true);
        var value = loss.forward(x, Labels(0, 1, 0, 1, 2, 2));
        value.dtype.Should().Be(dtype);
        AssertFinite(value, "loss");
        value.backward();
        AssertFinite(x.grad!, "grad");
    }

    [Fact]
    public void Bad_inputs_throw_argument_exceptions_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss();
        var x = randn(4, 3);
        Action wrongLength = () => loss.forward(x, Labels(0, 1, 0));
        wrongLength.Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels" && e.Message.Contains("[4]"));
        Action floatLabels = () => loss.forward(x, ones(4));
        floatLabels.Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels" && e.Message.Contains("Float32"));
        Action negative = () => loss.forward(x, Labels(0, -1, 0, 1));
        negative.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "labels");
        var nan = x.clone();
        nan[2, 1] = tensor(double.NaN);
        Action nanFeatures = () => loss.forward(nan, Labels(0, 1, 0, 1));
        nanFeatures.Should().Throw<ArgumentException>().Where(e => e.ParamName == "features" && e.Message.Contains("NaN"));
        Action empty = () => loss.forward(zeros(0, 3), tensor(Array.Empty<long>()));
        empty.Should().Throw<ArgumentException>().Where(e => e.ParamName == "features");
        Action rank1 = () => loss.forward(randn(4), Labels(0, 1, 0, 1));
        rank1.Should().Throw<ArgumentException>().Where(e => e.ParamName == "features");
        Action intFeatures = () => loss.forward(ones(4, 3, dtype: ScalarType.Int64), Labels(0, 1, 0, 1));
        intFeatures.Should().Throw<ArgumentException>().Where(e => e.ParamName == "features" && e.Message.Contains("Int64"));
        Action metaLabels = () => loss.forward(x, zeros(4, dtype: ScalarType.Int64, device: new Device(DeviceType.META)));
        metaLabels.Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels" && e.Message.Contains("device"));
    }

    [Fact]
    public void Bad_options_throw_naming_the_option()
    {
        Action zeroTemperature = () => _ = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0 });
        zeroTemperature.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Temperature");
        Action nanBase = () => _ = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { BaseTemperature = double.NaN });
        nanBase.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "BaseTemperature");
        Action mode = () => _ = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { ContrastMode = (SupConContrastMode)7 });
        mode.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "ContrastMode");
        Action variant = () => _ = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Variant = (SupConVariant)9 });
        variant.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Variant");
    }

    [Fact]
    public void Construction_inside_a_dispose_scope_survives_the_scope()
    {
        SupervisedContrastiveLoss loss;
        using (NewDisposeScope())
        {
            loss = new SupervisedContrastiveLoss();
        }

        using (loss)
        using (NewDisposeScope())
        {
            // Fixed features: with random ones the float32 loss can round to exactly 0 when one logit dominates.
            var features = tensor(new float[] { 1, 0, 0, 1, 1, 1 }).reshape(3, 2);
            loss.forward(features, Labels(0, 0, 1)).item<float>().Should().BeGreaterThan(0f);
        }
    }

    [Fact]
    public void Repeated_forward_backward_does_not_leak_tensors()
    {
        using var loss = new SupervisedContrastiveLoss();
        using var labels = Labels(0, 1, 0, 2, 1, 2, 3, 0);
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            var x = randn(8, 2, 4).requires_grad_(true);
            loss.forward(x, labels).backward();
        });
    }
}
