using AuxLosses;
using AuxLosses.Internal;
using FluentAssertions;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Supervised;

/// <summary>
/// The Khosla losses use Σ_{p∈P(i)} log p_ip = Σ_p s_ip − |P(i)|·LSE_i with the positive sum taken in feature space;
/// these tests hold them against the mask-based <see cref="SupConMath.Khosla"/> on explicit logits and masks.
/// </summary>
public sealed class FactoredKhoslaTests
{
    private static Tensor Features(long b, long v, long d, ulong seed)
    {
        using var generator = new Generator(seed);
        var shape = v == 0 ? new[] { b, d } : new[] { b, v, d };
        return randn(shape, dtype: ScalarType.Float64, generator: generator);
    }

    /// <summary>Mask-based reference on the flattened (view-major) contrast set, all views anchoring.</summary>
    private static Tensor MaskReference(Tensor features, long[] labels, double tau, double scale)
    {
        var views = features.dim() == 3 ? features : features.unsqueeze(1);
        var z = nn.functional.normalize(views, p: 2, dim: -1);
        var contrast = z.transpose(0, 1).reshape(-1, z.shape[2]);
        var y = tensor(labels).repeat(views.shape[1]);
        var n = contrast.shape[0];
        var self = eye(n, dtype: ScalarType.Bool);
        var positives = y.unsqueeze(1).eq(y.unsqueeze(0)).logical_and(self.logical_not());
        return SupConMath.Khosla(contrast.mm(contrast.t()) / tau, positives, self, scale);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void SupCon_equals_the_mask_based_reduction_with_singletons_in_value_and_gradient(long views)
    {
        using var scope = NewDisposeScope();
        // Class 9 occurs once: with one view its anchor has no positive and is left out of the mean.
        var labels = new long[] { 0, 1, 0, 2, 1, 9, 2, 0 };
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.3, BaseTemperature = 0.6 });
        var f = Features(8, views, 6, 41).requires_grad_(true);
        var fr = f.detach().clone().requires_grad_(true);
        var value = loss.forward(f, tensor(labels));
        var reference = MaskReference(fr, labels, 0.3, 0.5);
        value.backward();
        reference.backward();
        value.item<double>().Should().BeApproximately(reference.item<double>(), 1e-12);
        (f.grad! - fr.grad!).abs().max().item<double>().Should().BeLessThan(1e-12);
    }

    [Fact]
    public void SupCon_with_only_singletons_is_an_exact_zero_with_zero_gradient()
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss();
        var f = Features(5, 0, 4, 42).requires_grad_(true);
        var value = loss.forward(f, tensor(new long[] { 0, 1, 2, 3, 4 }));
        value.backward();
        value.item<double>().Should().Be(0);
        f.grad!.abs().max().item<double>().Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CrossModal_equals_the_mask_based_reduction_in_value_and_gradient(bool symmetric)
    {
        using var scope = NewDisposeScope();
        var labels = new long[] { 3, 1, 3, 0, 1, 3, 2 };
        using var loss = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions { Temperature = 0.2, Symmetric = symmetric });
        var a = Features(7, 0, 5, 43).requires_grad_(true);
        var c = Features(7, 0, 5, 44).requires_grad_(true);
        var ar = a.detach().clone().requires_grad_(true);
        var cr = c.detach().clone().requires_grad_(true);
        var value = loss.forward(a, c, tensor(labels));
        var y = tensor(labels);
        var positives = y.unsqueeze(1).eq(y.unsqueeze(0));
        var an = nn.functional.normalize(ar, p: 2, dim: -1);
        var cn = nn.functional.normalize(cr, p: 2, dim: -1);
        var forward = SupConMath.Khosla(an.mm(cn.t()) / 0.2, positives, null, 0.2 / 0.07);
        var reference = symmetric ? 0.5 * (forward + SupConMath.Khosla(cn.mm(an.t()) / 0.2, positives, null, 0.2 / 0.07)) : forward;
        value.backward();
        reference.backward();
        value.item<double>().Should().BeApproximately(reference.item<double>(), 1e-12);
        (a.grad! - ar.grad!).abs().max().item<double>().Should().BeLessThan(1e-12);
        (c.grad! - cr.grad!).abs().max().item<double>().Should().BeLessThan(1e-12);
    }
}
