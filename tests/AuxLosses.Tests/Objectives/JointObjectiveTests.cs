using System;
using System.Collections.Generic;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Objectives;

public sealed class JointObjectiveTests
{
    private static readonly double[] OneTwo = { 1.0, 2.0 };

    private static Tensor Scalar(double value, ScalarType dtype = ScalarType.Float64) => tensor(value, dtype: dtype);

    [Fact]
    public void Paper_defaults_are_ce_08_itc_01_itm_01_in_order()
    {
        var objective = JointObjective.Paper();

        objective.Terms.Select(t => t.Name).Should().Equal("ce", "itc", "itm");
        objective.Weight("ce").Should().BeApproximately(0.8, 1e-15);
        objective.Weight("itc").Should().Be(0.1);
        objective.Weight("itm").Should().Be(0.1);
    }

    [Theory]
    [InlineData(0.2, 0.0, 0.8)]
    [InlineData(0.5, 0.5, 0.0)]
    [InlineData(0.7, 0.3, 0.0)]
    [InlineData(0.0, 0.0, 1.0)]
    public void Paper_sets_ce_weight_to_one_minus_the_auxiliary_weights(double itc, double itm, double ce)
    {
        var objective = JointObjective.Paper(itc, itm);

        objective.Weight(JointObjective.CrossEntropy).Should().BeApproximately(ce, 1e-15);
        objective.Weight(JointObjective.CrossEntropy).Should().BeGreaterThanOrEqualTo(0);
        objective.Requires(JointObjective.ImageTextMatching).Should().Be(itm > 0);
    }

    [Theory]
    [InlineData(0.6, 0.5, "itmWeight")]
    [InlineData(-0.1, 0.1, "itcWeight")]
    [InlineData(0.1, double.NaN, "itmWeight")]
    [InlineData(double.PositiveInfinity, 0.1, "itcWeight")]
    public void Paper_rejects_weights_that_make_a_negative_or_undefined_lambda(double itc, double itm, string param)
    {
        var act = () => JointObjective.Paper(itc, itm);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(param);
    }

    [Fact]
    public void Total_and_breakdown_match_the_hand_computed_weighted_sum()
    {
        using var scope = NewDisposeScope();
        using var result = JointObjective.Paper().Compute(("ce", Scalar(0.7)), ("itc", Scalar(1.2)), ("itm", Scalar(0.65)));

        // 0.8·0.7 + 0.1·1.2 + 0.1·0.65 = 0.56 + 0.12 + 0.065
        result.Total.item<double>().Should().BeApproximately(0.745, 1e-12);
        result.TotalValue.Should().BeApproximately(0.745, 1e-12);
        result.Total.dim().Should().Be(0);
        result.Breakdown.Should().BeEquivalentTo(new Dictionary<string, double> { ["ce"] = 0.7, ["itc"] = 1.2, ["itm"] = 0.65 });
        result.Contributions["ce"].Should().BeApproximately(0.56, 1e-12);
        result.Contributions["itc"].Should().BeApproximately(0.12, 1e-12);
        result.Contributions["itm"].Should().BeApproximately(0.065, 1e-12);
        result.ToString().Should().Be("total=0.7450 ce=0.7000 itc=1.2000 itm=0.6500");
    }

    [Fact]
    public void Builder_and_pair_constructor_define_the_same_objective()
    {
        using var scope = NewDisposeScope();
        var built = new JointObjective().Add("ce", 1.0).Add("supcon", 0.5);
        var fromPairs = new JointObjective(new[] { ("ce", 1.0), ("supcon", 0.5) });
        var terms = new Dictionary<string, Tensor> { ["supcon"] = Scalar(3.0), ["ce"] = Scalar(2.0) };

        built.Terms.Should().Equal(fromPairs.Terms);
        built.Compute(terms).Total.item<double>().Should().Be(3.5);
        fromPairs.Compute(terms).Total.item<double>().Should().Be(3.5);
    }

    [Fact]
    public void Backward_gives_the_weighted_sum_of_the_term_gradients()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 0.3, -1.2, 2.0 }).requires_grad_(true);
        var b = tensor(new[] { 1.5, 0.4, -0.7 }).requires_grad_(true);
        var ce = (a * a).sum();          // ∂/∂a = 2a
        var itc = (a * b).sum();         // ∂/∂a = b, ∂/∂b = a
        var itm = b.sum().pow(2);        // ∂/∂b = 2Σb

        using var result = JointObjective.Paper(0.2, 0.3).Compute(("ce", ce), ("itc", itc), ("itm", itm));
        result.Total.backward();

        var expectedA = (0.5 * 2 * a + 0.2 * b).detach();
        var expectedB = (0.2 * a + 0.3 * 2 * b.sum()).detach();
        (a.grad! - expectedA).abs().max().item<double>().Should().BeLessThan(1e-12);
        (b.grad! - expectedB).abs().max().item<double>().Should().BeLessThan(1e-12);
    }

    [Fact]
    public void Breakdown_is_detached_and_computing_it_adds_nothing_to_the_terms_graph()
    {
        using var scope = NewDisposeScope();
        var a = tensor(OneTwo).requires_grad_(true);
        var ce = (a * a).sum();

        using var result = new JointObjective().Add("ce", 2.0).Compute(("ce", ce));

        result.Total.requires_grad.Should().BeTrue();
        result.Breakdown["ce"].Should().Be(5.0);
        a.grad.Should().BeNull("computing the breakdown must not run backward");
        ce.requires_grad.Should().BeTrue();
        result.Total.backward();
        a.grad!.data<double>().ToArray().Should().Equal(4.0, 8.0);
    }

    [Fact]
    public void Zero_weight_terms_may_be_omitted_and_are_reported_but_not_added_when_supplied()
    {
        using var scope = NewDisposeScope();
        var objective = JointObjective.Paper(itcWeight: 0.2, itmWeight: 0.0);
        objective.Requires("itm").Should().BeFalse();
        objective.Requires("itc").Should().BeTrue();
        objective.Requires("unknown").Should().BeFalse();

        using var without = objective.Compute(("ce", Scalar(1.0)), ("itc", Scalar(2.0)));
        without.Total.item<double>().Should().BeApproximately(0.8 + 0.4, 1e-12);
        without.Breakdown.Should().NotContainKey("itm");

        var ce = tensor(1.0).requires_grad_(true);
        var leaf = tensor(3.0).requires_grad_(true);
        using var with = objective.Compute(("ce", ce * 1), ("itc", Scalar(2.0)), ("itm", leaf * 5));
        with.Total.item<double>().Should().BeApproximately(1.2, 1e-12);
        with.Breakdown["itm"].Should().Be(15.0);
        with.Contributions["itm"].Should().Be(0.0);
        with.Total.backward();
        ce.grad!.item<double>().Should().BeApproximately(0.8, 1e-12);
        leaf.grad.Should().BeNull("a zero-weight term is not part of the total's graph");
    }

    [Fact]
    public void SetWeight_changes_the_total_for_schedules()
    {
        using var scope = NewDisposeScope();
        var objective = new JointObjective().Add("ce", 1.0).Add("itc", 0.0);

        objective.SetWeight("itc", 0.5).Weight("itc").Should().Be(0.5);

        objective.Compute(("ce", Scalar(1.0)), ("itc", Scalar(4.0))).Total.item<double>().Should().Be(3.0);
    }

    [Fact]
    public void Total_never_aliases_a_term_so_disposing_the_result_leaves_the_term_alive()
    {
        var ce = Scalar(0.25);
        var result = new JointObjective().Add("ce", 1.0).Compute(("ce", ce));
        result.Total.Handle.Should().NotBe(ce.Handle);

        result.Dispose();
        result.Dispose();

        ce.IsInvalid.Should().BeFalse();
        ce.item<double>().Should().Be(0.25);
        ce.Dispose();
    }

    [Fact]
    public void Mixed_dtypes_follow_type_promotion_and_stay_finite()
    {
        using var scope = NewDisposeScope();
        using var result = JointObjective.Paper().Compute(
            ("ce", Scalar(1e4, ScalarType.Float32)), ("itc", Scalar(2.0, ScalarType.BFloat16)), ("itm", Scalar(0.5, ScalarType.BFloat16)));

        result.Total.dtype.Should().Be(ScalarType.Float32);
        result.Total.item<float>().Should().BeApproximately(8000.25f, 1e-2f);
        result.Breakdown["itc"].Should().Be(2.0);
    }

    [Fact]
    public void Missing_term_is_named()
    {
        var act = () => JointObjective.Paper().Compute(("ce", Scalar(1.0)), ("itc", Scalar(1.0)));

        act.Should().Throw<ArgumentException>().WithMessage("*'itm'*missing*").Which.ParamName.Should().Be("terms");
    }

    [Fact]
    public void Unknown_term_is_named()
    {
        var act = () => JointObjective.Paper().Compute(("ce", Scalar(1.0)), ("itc", Scalar(1.0)), ("itm", Scalar(1.0)), ("ITC", Scalar(1.0)));

        act.Should().Throw<ArgumentException>().WithMessage("*'ITC'*not registered*");
    }

    [Fact]
    public void Non_scalar_term_is_named_with_its_shape()
    {
        var act = () => new JointObjective().Add("ce", 1.0).Compute(("ce", ones(3)));

        act.Should().Throw<ArgumentException>().WithMessage("*'ce'*scalar*[3]*");
    }

    [Fact]
    public void One_element_term_of_any_shape_is_accepted()
    {
        using var result = new JointObjective().Add("ce", 2.0).Compute(("ce", ones(1, 1)));

        result.Total.dim().Should().Be(0);
        result.Total.item<float>().Should().Be(2f);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_term_is_named(double value)
    {
        var act = () => JointObjective.Paper().Compute(("ce", Scalar(1.0)), ("itc", Scalar(value)), ("itm", Scalar(1.0)));

        act.Should().Throw<ArgumentException>().WithMessage("*'itc'*");
    }

    [Fact]
    public void Null_integer_and_disposed_terms_are_named()
    {
        var objective = new JointObjective().Add("ce", 1.0);
        var disposed = Scalar(1.0);
        disposed.Dispose();

        objective.Invoking(o => o.Compute(("ce", null!))).Should().Throw<ArgumentNullException>().WithMessage("*'ce'*");
        objective.Invoking(o => o.Compute(("ce", tensor(3L)))).Should().Throw<ArgumentException>().WithMessage("*'ce'*floating*Int64*");
        objective.Invoking(o => o.Compute(("ce", disposed))).Should().Throw<ArgumentException>().WithMessage("*'ce'*disposed*");
    }

    [Fact]
    public void Repeated_term_in_the_params_overload_is_rejected()
    {
        var act = () => new JointObjective().Add("ce", 1.0).Compute(("ce", Scalar(1.0)), ("ce", Scalar(2.0)));

        act.Should().Throw<ArgumentException>().WithMessage("*'ce'*more than once*");
    }

    [Fact]
    public void Bad_names_and_weights_are_rejected_when_registering()
    {
        var objective = new JointObjective().Add("ce", 1.0);

        objective.Invoking(o => o.Add("ce", 0.5)).Should().Throw<ArgumentException>().WithMessage("*'ce'*already*");
        objective.Invoking(o => o.Add(" ", 0.5)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("name");
        objective.Invoking(o => o.Add("itc", -0.1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'itc'*");
        objective.Invoking(o => o.Add("itc", double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
        objective.Invoking(o => o.SetWeight("itc", 0.1)).Should().Throw<ArgumentException>().WithMessage("*'itc'*not registered*");
        objective.Invoking(o => o.SetWeight("ce", double.PositiveInfinity)).Should().Throw<ArgumentOutOfRangeException>();
        objective.Invoking(o => o.Weight("itm")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Computing_without_any_positive_weight_is_an_invalid_operation()
    {
        new JointObjective().Invoking(o => o.Compute()).Should().Throw<InvalidOperationException>().WithMessage("*no terms*");
        new JointObjective().Add("ce", 0.0).Invoking(o => o.Compute(("ce", Scalar(1.0))))
            .Should().Throw<InvalidOperationException>().WithMessage("*positive weight*");
    }

    [Fact]
    public void Repeated_steps_leave_no_tensors_alive()
    {
        var weights = tensor(new[] { 0.5, -0.25, 1.0 }).requires_grad_(true);
        var objective = JointObjective.Paper();
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            weights.grad?.zero_();
            var ce = weights.pow(2).sum();
            var itc = weights.sum().abs();
            var itm = weights.exp().mean();
            using var result = objective.Compute(("ce", ce), ("itc", itc), ("itm", itm));
            result.Total.backward();
        });
        weights.Dispose();
    }
}
