using System;
using System.Linq;
using System.Text.Json;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Supervised;

/// <summary>Agreement with supervised.json (generate_supervised.py: SupContrast and SPP-SCL ported to PyTorch).</summary>
public sealed class SupervisedFixtureTests
{
    private static readonly Fixture Data = Fixture.Load("supervised.json");

    /// <summary>A number stored either plainly or as a 0-d tensor.</summary>
    internal static double Scalar(JsonElement c, string key)
    {
        if (c.GetProperty(key).ValueKind == JsonValueKind.Number)
        {
            return Fixture.Number(c, key);
        }

        using var t = Fixture.Tensor(c, key);
        return t.item<double>();
    }

    internal static void AssertClose(Tensor actual, Tensor expected, string what, double tolerance = 1e-5)
    {
        actual.shape.Should().Equal(expected.shape, what);
        var error = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        error.Should().BeLessThan(tolerance, what);
    }

    [Theory]
    [InlineData("supcon_all_v2")]
    [InlineData("supcon_one_v2")]
    [InlineData("supcon_all_v3_t05")]
    public void Multi_view_supcon_matches_SupContrast(string name)
    {
        var c = Data.Case(name);
        using var scope = NewDisposeScope();
        var options = new SupervisedContrastiveOptions
        {
            Temperature = Fixture.Number(c, "temperature"),
            BaseTemperature = Fixture.Number(c, "base_temperature"),
            ContrastMode = c.GetProperty("mode").GetString() == "one" ? SupConContrastMode.One : SupConContrastMode.All,
        };
        CheckIntra(c, options);
    }

    [Theory]
    [InlineData("supcon_v1")]
    [InlineData("supcon_lonely")]
    public void Single_view_supcon_matches_SupContrast(string name)
    {
        using var scope = NewDisposeScope();
        CheckIntra(Data.Case(name), new SupervisedContrastiveOptions());
    }

    [Fact]
    public void SupContrast_dilutes_positive_free_anchors_which_Khosla_form_leaves_out()
    {
        var c = Data.Case("supcon_lonely");
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss();
        var value = loss.forward(Fixture.Tensor(c, "features"), Fixture.Tensor(c, "labels")).item<double>();
        // labels [0,1,0,2,1,3,0]: 5 of 7 anchors have a positive.
        (value * 5 / 7).Should().BeApproximately(Scalar(c, "supcontrast_loss"), 1e-9);
    }

    [Theory]
    [InlineData("spp_intra")]
    [InlineData("spp_intra_negative")]
    public void Reference_variant_matches_SPP_SCL_CLoss(string name)
    {
        using var scope = NewDisposeScope();
        CheckIntra(Data.Case(name), new SupervisedContrastiveOptions { Variant = SupConVariant.SppSclReference });
    }

    [Fact]
    public void Reference_cross_modal_matches_SPP_SCL_CLoss_T_I()
    {
        using var scope = NewDisposeScope();
        CheckInter(Data.Case("spp_inter"), new CrossModalSupervisedContrastiveOptions { Variant = SupConVariant.SppSclReference }, "");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Khosla_cross_modal_matches_the_PyTorch_port(bool symmetric)
    {
        var c = Data.Case("khosla_inter");
        using var scope = NewDisposeScope();
        var options = new CrossModalSupervisedContrastiveOptions
        {
            Temperature = Fixture.Number(c, "temperature"),
            BaseTemperature = Fixture.Number(c, "base_temperature"),
            Symmetric = symmetric,
        };
        CheckInter(c, options, symmetric ? "symmetric_" : "");
    }

    [Fact]
    public void Alignment_condition_matches_train_py()
    {
        using var objective = new SemiPushPullObjective();
        var cases = Data.Cases.Where(c => c.GetProperty("name").GetString()!.StartsWith("condition_", StringComparison.Ordinal)).ToArray();
        cases.Should().HaveCountGreaterThan(4);
        cases.Select(c => c.GetProperty("skip").GetBoolean()).Distinct().Should().HaveCount(2, "the fixture covers both outcomes");
        foreach (var c in cases)
        {
            using var scope = NewDisposeScope();
            // train.py runs the condition in float32.
            var check = objective.CheckAlignment(
                Fixture.Tensor(c, "text").to(ScalarType.Float32), Fixture.Tensor(c, "image").to(ScalarType.Float32), Fixture.Tensor(c, "labels"));
            var name = c.GetProperty("name").GetString();
            check.Count.Should().Be((long)Fixture.Number(c, "count"), name);
            check.Pairs.Should().Be((long)Fixture.Number(c, "pairs"), name);
            check.Threshold.Should().Be(c.GetProperty("threshold").GetInt64(), name);
            check.Skip.Should().Be(c.GetProperty("skip").GetBoolean(), name);
        }
    }

    [Fact]
    public void Threshold_truncates_like_python_int()
    {
        var c = Data.Case("threshold_table");
        using var scope = NewDisposeScope();
        var pairs = Fixture.Tensor(c, "pairs").data<long>().ToArray();
        var expected = Fixture.Tensor(c, "threshold").data<long>().ToArray();
        pairs.Select(p => SemiPushPullObjective.SkipThreshold(p, 2.0 / 3.0)).Should().Equal(expected);
    }

    private static void CheckIntra(JsonElement c, SupervisedContrastiveOptions options)
    {
        using var loss = new SupervisedContrastiveLoss(options);
        var x = Fixture.Tensor(c, "features").requires_grad_(true);
        var value = loss.forward(x, Fixture.Tensor(c, "labels"));
        value.backward();
        value.item<double>().Should().BeApproximately(Scalar(c, "loss"), 1e-5);
        AssertClose(x.grad!, Fixture.Tensor(c, "grad"), "features gradient");
    }

    private static void CheckInter(JsonElement c, CrossModalSupervisedContrastiveOptions options, string prefix)
    {
        using var loss = new CrossModalSupervisedContrastiveLoss(options);
        var a = Fixture.Tensor(c, "anchors").requires_grad_(true);
        var k = Fixture.Tensor(c, "candidates").requires_grad_(true);
        var value = loss.forward(a, k, Fixture.Tensor(c, "labels"));
        value.backward();
        value.item<double>().Should().BeApproximately(Scalar(c, prefix + "loss"), 1e-5);
        AssertClose(a.grad!, Fixture.Tensor(c, prefix + "grad_anchors"), "anchor gradient");
        AssertClose(k.grad!, Fixture.Tensor(c, prefix + "grad_candidates"), "candidate gradient");
    }
}
