using System;
using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Docs;

/// <summary>Runs the examples of docs/concepts/supervised-contrastive.md and docs/concepts/semi-push-pull.md.</summary>
public sealed class SupervisedDocsExamples
{
    [Fact]
    public void Supcon_example_runs_and_reaches_the_features()
    {
        using var scope = NewDisposeScope();
        var (features, loss, crossModal, reference) = Supcon();
        features.grad.Should().NotBeNull();
        double.IsFinite(loss).Should().BeTrue();
        double.IsFinite(crossModal).Should().BeTrue();
        double.IsFinite(reference).Should().BeTrue();
    }

    [Fact]
    public void Supcon_pitfalls_hold_as_documented()
    {
        using var scope = NewDisposeScope();
        var supcon = new SupervisedContrastiveLoss();
        var reference = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Variant = SupConVariant.SppSclReference });

        // No positive anywhere (every label once): Khosla gives an exact, differentiable 0.
        var features = randn(4, 8, requires_grad: true);
        var distinct = tensor(new long[] { 0, 1, 2, 3 });
        var none = supcon.forward(features, distinct);
        none.item<float>().Should().Be(0);
        none.backward();
        features.grad!.abs().max().item<float>().Should().Be(0);

        // Two samples of one class: the only candidate is the positive, so log(exp(s)/exp(s)) = 0 (Khosla), while the
        // reference keeps the zeroed self term exp(0 − rowmax) in the denominator and is positive.
        var pair = randn(2, 8);
        var same = tensor(new long[] { 5, 5 });
        supcon.forward(pair, same).item<float>().Should().BeApproximately(0, 1e-6f);
        reference.forward(pair, same).item<float>().Should().BeGreaterThan(0);

        // A singleton class among others: Khosla leaves it out of the mean, the reference averages it in as 0.
        var mixed = randn(3, 8);
        var labels = tensor(new long[] { 0, 0, 1 });
        var khosla = supcon.forward(mixed, labels).item<float>();
        var z = nn.functional.normalize(mixed).to(ScalarType.Float64);
        var s = z.mm(z.t()).div(0.07).data<double>().ToArray();
        // Anchor 0: log(e^{s01} / (e^{s01} + e^{s02})), anchor 1 likewise; anchor 2 has no positive.
        var expected = -0.5 * ((s[1] - Math.Log(Math.Exp(s[1]) + Math.Exp(s[2]))) + (s[3] - Math.Log(Math.Exp(s[3]) + Math.Exp(s[5]))));
        khosla.Should().BeApproximately((float)expected, 1e-4f);
    }

    [Fact]
    public void Spp_scl_example_reports_the_condition()
    {
        using var scope = NewDisposeScope();
        var (result, labels) = SppScl();
        var y = labels.data<long>().ToArray();
        var pairs = y.Sum(a => y.Count(b => b == a));
        result.Alignment.Pairs.Should().Be(pairs);
        result.Threshold.Should().Be((long)Math.Truncate(pairs * (2.0 / 3.0)));
        result.Step2Ran.Should().Be(result.Count < result.Threshold);
        (result.InterModal == 0).Should().Be(!result.Step2Ran);
        double.IsFinite(result.Total).Should().BeTrue();
    }

    [Fact]
    public void Spp_scl_manual_loop_runs()
    {
        using var scope = NewDisposeScope();
        var (step1, check) = SppSclManual();
        double.IsFinite(step1).Should().BeTrue();
        check.Threshold.Should().Be((long)Math.Truncate(check.Pairs * (2.0 / 3.0)));
    }

    private static (Tensor Features, double Loss, double CrossModal, double Reference) Supcon()
    {
        // docs:begin supcon
        var supcon = new SupervisedContrastiveLoss();                   // Khosla et al.; τ = τ_base = 0.07
        var labels = tensor(new long[] { 0, 0, 1, 1, 2, 2, 3, 3 });

        var features = randn(8, 2, 32, requires_grad: true);            // [B, V, D]: two views per sample
        var loss = supcon.forward(features, labels);                    // positives: other view + same label
        loss.backward();

        var inter = new CrossModalSupervisedContrastiveLoss();          // SPP-SCL's L_inter
        var text = randn(8, 32, requires_grad: true);
        var image = randn(8, 32, requires_grad: true);
        var crossModal = inter.forward(text, image, labels);            // text anchors vs. image candidates

        var reference = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Variant = SupConVariant.SppSclReference });
        var sppScl = reference.forward(image, labels);                  // SPP-SCL's loss.py arithmetic, to reproduce it
        // docs:end supcon
        return (features, loss.item<float>(), crossModal.item<float>(), sppScl.item<float>());
    }

    private static (SemiPushPullStepResult Result, Tensor Labels) SppScl()
    {
        // docs:begin spp-scl
        var imageHead = nn.Linear(2048, 32);                            // SPP-SCL projects both modalities to d = 32
        var textHead = nn.Linear(768, 32);
        var classifier = nn.Linear(64, 3);
        using var objective = new SemiPushPullObjective();             // 5·CE, τ = 0.07, α = 2/3
        var optimizer = optim.AdamW(new nn.Module[] { imageHead, textHead, classifier }
            .SelectMany(m => m.parameters()), lr: 1e-4);

        var (pixels, tokens, labels) = (randn(16, 2048), randn(16, 768), randint(0, 3, [16]));
        var result = objective.TrainStep(optimizer, () =>
        {
            var image = imageHead.forward(pixels);
            var text = textHead.forward(tokens);
            return new SemiPushPullBatch(classifier.forward(cat([image, text], 1)), image, text);
        }, labels);
        Console.WriteLine($"step 2 ran: {result.Step2Ran} (count {result.Count}, threshold {result.Threshold})");
        // docs:end spp-scl
        return (result, labels);
    }

    private static (double Step1, SemiPushPullAlignmentCheck Check) SppSclManual()
    {
        var imageHead = nn.Linear(20, 8);
        var textHead = nn.Linear(12, 8);
        var classifier = nn.Linear(16, 3);
        using var objective = new SemiPushPullObjective();
        var optimizer = optim.AdamW(new nn.Module[] { imageHead, textHead, classifier }.SelectMany(m => m.parameters()), lr: 1e-3);
        var (pixels, tokens, labels) = (randn(12, 20), randn(12, 12), randint(0, 3, [12]));
        SemiPushPullBatch Forward()
        {
            var image = imageHead.forward(pixels);
            var text = textHead.forward(tokens);
            return new SemiPushPullBatch(classifier.forward(cat([image, text], 1)), image, text);
        }

        // docs:begin spp-scl-manual
        optimizer.zero_grad();
        var step1 = objective.Step1Loss(Forward(), labels);             // w·CE + L_img + L_txt
        step1.backward();
        optimizer.step();

        var fresh = Forward();                                          // parameters changed: forward again
        var check = objective.CheckAlignment(fresh.AlignedText, fresh.AlignedImage, labels);
        if (!check.Skip)
        {
            optimizer.zero_grad();
            objective.Step2Loss(fresh, labels).backward();              // λ_inter·L_inter(text → image)
            optimizer.step();
        }
        // docs:end spp-scl-manual
        return (step1.item<float>(), check);
    }
}
