using System;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static AuxLosses.Tests.Scale.ScaleTestHelpers;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Scale;

public sealed class QueueLossTests
{
    private const int B = 4, D = 3, K = 5;

    private static FeatureQueue Filled(bool labels, long seed = 10)
    {
        var queue = Queue(8, D, labels);
        using var scope = NewDisposeScope();
        queue.Enqueue(Randn(seed, ScalarType.Float64, K, D), Randn(seed + 1, ScalarType.Float64, K, D), labels ? Labels(1, 0, 2, 1, 3) : null);
        return queue;
    }

    private static readonly long[] BatchLabels = { 0, 1, 0, 2 };

    // ---- ITC ------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false, 0.0, 0.5, 0.5)]
    [InlineData(true, 0.0, 0.5, 0.5)]
    [InlineData(true, 0.1, 0.3, 0.7)]
    [InlineData(false, 0.2, 1.0, 0.0)]
    public void Clip_with_queue_matches_the_concatenated_dense_reference(bool withLabels, double smoothing, double wi, double wt)
    {
        using var scope = NewDisposeScope();
        const double s = 3.0;
        using var loss = Clip(s, smoothing, wi, wt);
        using var queue = Filled(withLabels);
        var image = Randn(1, ScalarType.Float64, B, D);
        var text = Randn(2, ScalarType.Float64, B, D);
        var actual = (withLabels ? loss.forward(image, text, Labels(BatchLabels), queue) : loss.forward(image, text, queue)).item<double>();

        var x = Rows(image).Select(Unit).ToArray();
        var y = Rows(text).Select(Unit).ToArray();
        var qi = Rows(queue.Image).Select(Unit).ToArray();
        var qt = Rows(queue.Text).Select(Unit).ToArray();
        var rows = withLabels ? BatchLabels : Enumerable.Range(0, B).Select(i => (long)i).ToArray();
        var columns = rows.Concat(withLabels ? Longs(queue.Labels) : Enumerable.Repeat(-5L, K)).ToArray();
        var expected = (wi * SoftTargetCrossEntropySum(x, rows, y.Concat(qt).ToArray(), columns, s, smoothing)
                        + wt * SoftTargetCrossEntropySum(y, rows, x.Concat(qi).ToArray(), columns, s, smoothing)) / B;
        actual.Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Clip_with_an_empty_queue_equals_the_plain_loss()
    {
        using var scope = NewDisposeScope();
        using var loss = Clip(5.0, 0.1);
        using var queue = Queue(4, D, labels: true);
        var image = Randn(3, ScalarType.Float64, B, D);
        var text = Randn(4, ScalarType.Float64, B, D);
        var labels = Labels(BatchLabels);
        MaxAbsDiff(loss.forward(image, text, queue), loss.forward(image, text)).Should().BeLessThan(1e-13);
        MaxAbsDiff(loss.forward(image, text, labels, queue), loss.forward(image, text, labels)).Should().BeLessThan(1e-13);
    }

    [Fact]
    public void Queued_negatives_raise_the_loss_and_queued_positives_of_a_perfect_match_lower_it()
    {
        using var scope = NewDisposeScope();
        using var loss = Clip(10.0);
        var e = eye(2, dtype: ScalarType.Float64);
        using var queue = Queue(2, 2, labels: true);
        // Queued copies of the batch pairs, labelled as the batch: as negatives they compete with the true pair.
        queue.Enqueue(e, e, Labels(0, 1));
        var plain = loss.forward(e, e).item<double>();
        loss.forward(e, e, queue).item<double>().Should().BeApproximately(Math.Log(1 + Math.Exp(-10) + 1 + Math.Exp(-10)), 1e-12).And.BeGreaterThan(plain);
        // With labels the copies are positives: targets ½/½ on two logits equal to s, one negative at 0 per block.
        var expected = -(2 * 0.5 * (10 - Math.Log(2 * Math.Exp(10) + 2)));
        loss.forward(e, e, Labels(0, 1), queue).item<double>().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Clip_with_queue_has_finite_difference_gradients_and_none_reach_the_queue()
    {
        using var loss = Clip(4.0, 0.1, learnable: true);
        using var queue = Filled(true);
        using var labels = Labels(BatchLabels);
        GradientCheck.Assert(t => loss.forward(t[0], t[1], labels, queue), new[] { Randn(5, ScalarType.Float64, B, D), Randn(6, ScalarType.Float64, B, D) });
        GradientCheck.Assert(t => loss.forward(t[0], t[1], queue), new[] { Randn(7, ScalarType.Float64, B, D), Randn(8, ScalarType.Float64, B, D) });
        using var scope = NewDisposeScope();
        loss.forward(Randn(5, ScalarType.Float64, B, D).requires_grad_(true), Randn(6, ScalarType.Float64, B, D), labels, queue).backward();
        queue.Image.requires_grad.Should().BeFalse();
        loss.LogScale.grad.Should().NotBeNull("the logit scale is learned through the queue path too");
    }

    // ---- SigLIP ---------------------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sigmoid_with_queue_matches_the_concatenated_dense_reference(bool withLabels)
    {
        using var scope = NewDisposeScope();
        const double s = 4.0, b = -2.0;
        using var loss = Sig(s, b);
        using var queue = Filled(withLabels);
        var image = Randn(11, ScalarType.Float64, B, D);
        var text = Randn(12, ScalarType.Float64, B, D);
        var actual = (withLabels ? loss.forward(image, text, Labels(BatchLabels), queue) : loss.forward(image, text, queue)).item<double>();

        var x = Rows(image).Select(Unit).ToArray();
        var y = Rows(text).Select(Unit).ToArray();
        var qi = Rows(queue.Image).Select(Unit).ToArray();
        var qt = Rows(queue.Text).Select(Unit).ToArray();
        var rows = withLabels ? BatchLabels : Enumerable.Range(0, B).Select(i => (long)i).ToArray();
        var queued = withLabels ? Longs(queue.Labels) : Enumerable.Repeat(-5L, K).ToArray();
        var expected = (SigmoidPairSum(x, rows, y, rows, s, b) + SigmoidPairSum(x, rows, qt, queued, s, b) + SigmoidPairSum(qi, queued, y, rows, s, b)) / B;
        actual.Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Sigmoid_with_an_empty_queue_equals_the_plain_loss_and_has_correct_gradients()
    {
        using var loss = Sig(10.0, -10.0);
        using (var scope = NewDisposeScope())
        {
            using var empty = Queue(3, D, labels: false);
            var image = Randn(13, ScalarType.Float64, B, D);
            var text = Randn(14, ScalarType.Float64, B, D);
            MaxAbsDiff(loss.forward(image, text, empty), loss.forward(image, text)).Should().BeLessThan(1e-13);
        }

        using var queue = Filled(true);
        using var labels = Labels(BatchLabels);
        GradientCheck.Assert(t => loss.forward(t[0], t[1], labels, queue), new[] { Randn(15, ScalarType.Float64, B, D), Randn(16, ScalarType.Float64, B, D) });
        GradientCheck.Assert(t => loss.forward(t[0], t[1], queue), new[] { Randn(17, ScalarType.Float64, B, D), Randn(18, ScalarType.Float64, B, D) });
    }

    // ---- SupCon ---------------------------------------------------------------------------------

    /// <summary>Khosla SupCon of batch anchors against batch + queued candidates, self excluded, on unit vectors.</summary>
    private static double SupConReference(double[][] batch, long[] labels, double[][] queued, long[] queuedLabels, double tau)
    {
        var candidates = batch.Concat(queued).ToArray();
        var candidateLabels = labels.Concat(queuedLabels).ToArray();
        double sum = 0;
        var anchors = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var others = Enumerable.Range(0, candidates.Length).Where(a => a != i).ToArray();
            var lse = LogSumExp(others.Select(a => Dot(batch[i], candidates[a]) / tau).ToArray());
            var positives = others.Where(p => candidateLabels[p] == labels[i]).ToArray();
            if (positives.Length == 0)
            {
                continue;
            }

            anchors++;
            sum += positives.Average(p => Dot(batch[i], candidates[p]) / tau - lse);
        }

        return anchors == 0 ? 0 : -sum / anchors;
    }

    [Theory]
    [InlineData(Modality.Image)]
    [InlineData(Modality.Text)]
    public void SupCon_with_queue_matches_the_concatenated_dense_reference(Modality modality)
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.5, BaseTemperature = 0.5 });
        using var queue = Filled(true);
        var features = Randn(21, ScalarType.Float64, B, D);
        // Label 2 is single in the batch (no in-batch positive) but has a queued positive; label 3 only in the queue.
        var actual = loss.forward(features, Labels(BatchLabels), queue, modality).item<double>();
        var queued = Rows(modality == Modality.Image ? queue.Image : queue.Text).Select(Unit).ToArray();
        var expected = SupConReference(Rows(features).Select(Unit).ToArray(), BatchLabels, queued, Longs(queue.Labels), 0.5);
        actual.Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void SupCon_with_an_empty_queue_equals_the_plain_loss_for_views_and_both_contrast_modes()
    {
        using var scope = NewDisposeScope();
        using var queue = Queue(4, D, labels: true);
        var features = Randn(22, ScalarType.Float64, B, 2, D);
        foreach (var mode in new[] { SupConContrastMode.All, SupConContrastMode.One })
        {
            foreach (var variant in new[] { SupConVariant.Khosla, SupConVariant.SppSclReference })
            {
                using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { ContrastMode = mode, Variant = variant });
                MaxAbsDiff(loss.forward(features, Labels(BatchLabels), queue, Modality.Text), loss.forward(features, Labels(BatchLabels))).Should().BeLessThan(1e-13);
            }
        }
    }

    [Fact]
    public void SupCon_with_queue_gives_every_anchor_of_a_queued_class_a_positive()
    {
        using var scope = NewDisposeScope();
        using var loss = new SupervisedContrastiveLoss();
        using var queue = Queue(2, 2, labels: true);
        var features = eye(2, dtype: ScalarType.Float64);
        // Without the queue no anchor has a positive (two classes, one sample each): exact 0.
        loss.forward(features, Labels(0, 1)).item<double>().Should().Be(0);
        queue.Enqueue(features, features, Labels(0, 1));
        // Anchor 0: candidates {e1 (batch), e0 (queue, positive), e1 (queue)}: −log(e^{1/τ} / (e^{1/τ} + 2)).
        var s = 1 / 0.07;
        loss.forward(features, Labels(0, 1), queue, Modality.Image).item<double>().Should().BeApproximately(Math.Log(1 + 2 * Math.Exp(-s)), 1e-12);
    }

    [Fact]
    public void SupCon_with_queue_has_finite_difference_gradients()
    {
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.5 });
        using var queue = Filled(true);
        using var labels = Labels(BatchLabels);
        GradientCheck.Assert(t => loss.forward(t[0], labels, queue, Modality.Image), new[] { Randn(23, ScalarType.Float64, B, D) });
        GradientCheck.Assert(t => loss.forward(t[0], labels, queue, Modality.Text), new[] { Randn(24, ScalarType.Float64, B, 2, D) });
    }

    // ---- precision, errors, leaks ---------------------------------------------------------------

    [Fact]
    public void Bf16_features_with_a_float32_queue_and_huge_logits_stay_finite()
    {
        using var scope = NewDisposeScope();
        using var queue = new FeatureQueue(new FeatureQueueOptions { Capacity = 4, Dim = D, StoreLabels = true });
        queue.Enqueue(Randn(30, ScalarType.Float32, 4, D), Randn(31, ScalarType.Float32, 4, D), Labels(0, 1, 2, 0));
        using var clip = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Temperature = 1e-4, MaxLogitScale = 1e4, LearnableTemperature = false });
        using var sig = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { InitialLogitScale = 1e4, MaxLogitScale = 1e4 });
        using var supcon = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 1e-4 });
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var image = Randn(32, dtype, B, D).requires_grad_(true);
            var text = Randn(33, dtype, B, D).requires_grad_(true);
            var total = clip.forward(image, text, Labels(BatchLabels), queue) + sig.forward(image, text, queue) + supcon.forward(image, Labels(BatchLabels), queue, Modality.Image);
            total.dtype.Should().Be(dtype);
            total.backward();
            isfinite(total.to_type(ScalarType.Float32)).item<bool>().Should().BeTrue();
            isfinite(image.grad!.to_type(ScalarType.Float32)).all().item<bool>().Should().BeTrue();
            isfinite(text.grad!.to_type(ScalarType.Float32)).all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void Bad_queue_arguments_throw_naming_the_queue()
    {
        using var scope = NewDisposeScope();
        using var clip = Clip(2.0);
        using var sig = Sig(2.0, 0.0);
        using var supcon = new SupervisedContrastiveLoss();
        var image = Randn(40, ScalarType.Float64, B, D);
        var text = Randn(41, ScalarType.Float64, B, D);
        var labels = Labels(BatchLabels);
        using var unlabelled = Queue(4, D, labels: false);
        using var narrow = Queue(4, D + 1, labels: true);
        using var meta = new FeatureQueue(new FeatureQueueOptions { Capacity = 2, Dim = D, StoreLabels = true, Device = new Device(DeviceType.META) });
        var disposed = Queue(2, D, labels: true);
        disposed.Dispose();

        foreach (var bad in new Action[]
                 {
                     () => clip.forward(image, text, labels, unlabelled),
                     () => sig.forward(image, text, labels, unlabelled),
                     () => supcon.forward(image, labels, unlabelled, Modality.Image),
                     () => clip.forward(image, text, narrow),
                     () => sig.forward(image, text, narrow),
                     () => supcon.forward(image, labels, narrow, Modality.Text),
                     () => clip.forward(image, text, meta),
                     () => clip.forward(image, text, disposed),
                     () => clip.forward(image, text, (FeatureQueue)null!),
                 })
        {
            bad.Should().Throw<ArgumentException>().Where(e => e.ParamName == "queue");
        }

        using var ok = Filled(true);
        ((Action)(() => clip.forward(image, text.narrow(0, 0, 2), ok))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "text");
        ((Action)(() => sig.forward(image, text, Labels(0, 1), ok))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        ((Action)(() => supcon.forward(image, labels, ok, (Modality)5))).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "modality");
    }

    [Fact]
    public void Training_steps_with_enqueue_do_not_leak_tensors()
    {
        using var clip = Clip(5.0, learnable: true);
        using var sig = Sig(10.0, -10.0);
        using var supcon = new SupervisedContrastiveLoss();
        using var queue = new FeatureQueue(new FeatureQueueOptions { Capacity = 6, Dim = D, StoreLabels = true });
        using var labels = Labels(0, 1, 0, 2);
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            clip.zero_grad();
            sig.zero_grad();
            var image = randn(B, D).requires_grad_(true);
            var text = randn(B, D).requires_grad_(true);
            var total = clip.forward(image, text, labels, queue) + sig.forward(image, text, queue) + supcon.forward(text, labels, queue, Modality.Text);
            total.backward();
            queue.Enqueue(image.detach(), text.detach(), labels);
        });
    }
}
