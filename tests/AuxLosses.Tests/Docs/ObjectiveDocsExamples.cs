using System;
using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Docs;

/// <summary>Runs the examples of docs/concepts/joint-objective.md and docs/concepts/common-space-and-diagnostics.md.</summary>
public sealed class ObjectiveDocsExamples
{
    [Fact]
    public void Joint_example_prints_the_documented_breakdown()
    {
        using var scope = NewDisposeScope();
        var (line, ce, requiresItm) = Joint();
        line.Should().Be("total=1.3800 ce=1.1000 itc=2.3000 itm=0.7000 supcon=4.0000", "0.8·1.1 + 0.1·2.3 + 0.1·0.7 + 0.05·4 = 1.38");
        ce.grad!.item<float>().Should().BeApproximately(0.8f, 1e-6f);
        requiresItm.Should().BeFalse("a zero weight disables the term");
    }

    [Fact]
    public void Common_space_example_runs()
    {
        using var scope = NewDisposeScope();
        var (image, loss) = CommonSpace();
        image.grad.Should().NotBeNull();
        loss.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Common_space_loss_matches_the_documented_equation()
    {
        using var scope = NewDisposeScope();
        // x = v = I₂ (unit rows), so S = I. With α = 1.5 every hinge is max(0, 1.5 − 1 + 0) = 0.5, and each of the
        // two anchors per direction has one negative.
        var eye2 = eye(2, dtype: ScalarType.Float64);
        var loss = new CommonSpaceLoss(new CommonSpaceLossOptions { Margin = 1.5 }).forward(eye2, eye2).item<double>();
        // L = (1/B)·Σ_i (ℓ_i^(x) + ℓ_i^(v)) = (1/2)·(1 + 1) = 1.
        loss.Should().BeApproximately(1.0, 1e-12);
    }

    [Fact]
    public void Diagnostics_example_matches_hand_computed_distances()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new double[,] { { 0, 0 }, { 3, 4 }, { 1, 1 } });
        var text = tensor(new double[,] { { 0, 1 }, { 3, 4 }, { 5, 5 } });
        var labels = tensor(new long[] { 0, 0, 1 });
        var report = Diagnostics(image, text, labels);

        report.Iid.Should().BeApproximately(5, 1e-9, "one same-label image pair, ‖(3, 4)‖ = 5");
        report.Ttd.Should().BeApproximately(Math.Sqrt(18), 1e-9, "‖(3, 3)‖");
        // Class 0: ‖x0−t0‖ = 1, ‖x0−t1‖ = 5, ‖x1−t0‖ = √18, ‖x1−t1‖ = 0; class 1: ‖x2−t2‖ = √32.
        report.Itd.Should().BeApproximately((1 + 5 + Math.Sqrt(18) + 0 + Math.Sqrt(32)) / 5, 1e-9);
        report.Classes.Single(c => c.Label == 1).Iid.Should().Be(double.NaN, "a class of one has no intra-modal pair");
    }

    private static (string Line, Tensor Ce, bool RequiresItm) Joint()
    {
        // docs:begin joint
        var objective = JointObjective.Paper(itcWeight: 0.1, itmWeight: 0.1)  // 0.8·CE + 0.1·ITC + 0.1·ITM
            .Add("supcon", 0.05);                                           // weights are not renormalised

        var ce = tensor(1.1f, requires_grad: true);                         // stand-ins for the real term values
        var (itc, itm, supcon) = (tensor(2.3f), tensor(0.7f), tensor(4.0f));
        using var result = objective.Compute(("ce", ce), ("itc", itc), ("itm", itm), ("supcon", supcon));
        result.Total.backward();                                            // ∂Total/∂ce = 0.8
        Console.WriteLine(result);   // total=1.3800 ce=1.1000 itc=2.3000 itm=0.7000 supcon=4.0000

        objective.SetWeight(JointObjective.ImageTextMatching, 0);           // e.g. a warm-up without ITM
        var computeItm = objective.Requires("itm");                         // false: skip computing it
        // docs:end joint
        return (result.ToString(), ce, computeItm);
    }

    private static (Tensor Image, double Loss) CommonSpace()
    {
        // docs:begin common-space
        var commonSpace = new CommonSpaceLoss();                            // α = 0.2, sum over negatives, both directions
        var classAware = new CommonSpaceLoss(new CommonSpaceLossOptions { Direction = RankingDirection.ImageToText });

        var image = randn(16, 64, requires_grad: true);
        var text = randn(16, 64, requires_grad: true);
        var labels = randint(0, 3, [16]);
        var loss = commonSpace.forward(image, text)                         // every other post is a negative
            + classAware.forward(image, text, labels);                      // only posts of other classes are
        loss.backward();
        // docs:end common-space
        return (image, loss.item<float>());
    }

    private static AlignmentReport Diagnostics(Tensor image, Tensor text, Tensor labels)
    {
        // docs:begin diagnostics
        var report = AlignmentDiagnostics.Compute(image, text, labels);     // no gradient; float64; any batch size
        Console.WriteLine($"IID {report.Iid:F3}  TTD {report.Ttd:F3}  ITD {report.Itd:F3}");
        foreach (var c in report.Classes)
        {
            Console.WriteLine($"class {c.Label} (n = {c.SampleCount}): IID {c.Iid:F3} TTD {c.Ttd:F3} ITD {c.Itd:F3}");
        }
        // docs:end diagnostics
        return report;
    }
}
