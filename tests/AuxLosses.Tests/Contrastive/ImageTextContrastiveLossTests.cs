using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using AuxLosses.Internal;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static AuxLosses.Tests.Contrastive.ContrastiveTestHelpers;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Contrastive;

public sealed class ImageTextContrastiveLossTests
{
    private static readonly ContrastiveImplementation[] Exact = { ContrastiveImplementation.Dense, ContrastiveImplementation.Chunked };

    private static readonly string[] ClipCaseNames =
        { "clip_default", "clip_scale_2_5", "clip_smoothing", "clip_weights_raw", "clip_clamped", "clip_labels", "clip_labels_smoothing" };

    private static ImageTextContrastiveLoss Fixed(double scale, ContrastiveImplementation implementation, double smoothing = 0, double wi = 0.5, double wt = 0.5, bool normalize = true, int chunk = 1) =>
        new(new ContrastiveLossOptions
        {
            Temperature = 1 / scale,
            LearnableTemperature = false,
            LabelSmoothing = smoothing,
            ImageToTextWeight = wi,
            TextToImageWeight = wt,
            Normalize = normalize,
            Implementation = implementation,
            ChunkSize = chunk,
        });

    private static Tensor Eye2() => tensor(new double[] { 1, 0, 0, 1 }).reshape(2, 2);

    // ---- hand-computed values -------------------------------------------------------------------

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Matched_orthogonal_pairs_give_log_1_plus_exp_minus_s(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = Fixed(2.0, implementation);
        // S = 2·I: each row and column is a 2-way softmax with logits (2, 0).
        loss.forward(Eye2(), Eye2()).item<double>().Should().BeApproximately(Math.Log(1 + Math.Exp(-2)), 1e-12);
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Swapped_pairs_give_log_1_plus_exp_s(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = Fixed(3.0, implementation);
        var text = tensor(new double[] { 0, 1, 1, 0 }).reshape(2, 2);
        loss.forward(Eye2(), text).item<double>().Should().BeApproximately(Math.Log(1 + Math.Exp(3)), 1e-12);
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Label_smoothing_matches_the_closed_form(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        const double s = 2.0, eps = 0.2;
        using var loss = Fixed(s, implementation, smoothing: eps);
        // Targets (1 − ε/2, ε/2) against log p = (−log(1+e^−s), −s − log(1+e^−s)).
        var logPositive = -Math.Log(1 + Math.Exp(-s));
        var expected = -((1 - eps / 2) * logPositive + eps / 2 * (logPositive - s));
        loss.forward(Eye2(), Eye2()).item<double>().Should().BeApproximately(expected, 1e-12);
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Direction_weights_select_the_row_and_column_cross_entropies(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        const double s = 1.5;
        var image = tensor(new double[] { 1, 0, 1, 0 }).reshape(2, 2);
        // S = s·[[1, 0], [1, 0]]: rows give log(1+e^−s) and log(1+e^s); both columns are flat, so log 2.
        using var rowsOnly = Fixed(s, implementation, wi: 1, wt: 0);
        using var columnsOnly = Fixed(s, implementation, wi: 0, wt: 1);
        rowsOnly.forward(image, Eye2()).item<double>().Should().BeApproximately((Math.Log(1 + Math.Exp(-s)) + Math.Log(1 + Math.Exp(s))) / 2, 1e-12);
        columnsOnly.forward(image, Eye2()).item<double>().Should().BeApproximately(Math.Log(2), 1e-12);
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Same_label_pairs_share_the_target_mass(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        const double s = 2.0;
        using var loss = Fixed(s, implementation);
        // Both samples share a label: targets (½, ½) against log p = (−log(1+e^−s), −s − log(1+e^−s)).
        var labels = tensor(new long[] { 7, 7 });
        loss.forward(Eye2(), Eye2(), labels).item<double>().Should().BeApproximately(Math.Log(1 + Math.Exp(-s)) + s / 2, 1e-12);
        // Distinct labels are the plain CLIP loss.
        loss.forward(Eye2(), Eye2(), tensor(new long[] { 3, 9 })).item<double>().Should().BeApproximately(Math.Log(1 + Math.Exp(-s)), 1e-12);
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Identical_embeddings_give_log_B(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = implementation, ChunkSize = 2 });
        var same = ones(5, 3, dtype: ScalarType.Float64);
        var value = loss.forward(same, same);
        value.item<double>().Should().BeApproximately(Math.Log(5), 1e-12);
    }

    [Fact]
    public void Defaults_are_clip_and_the_scale_is_capped_in_forward()
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss();
        loss.LogitScale.Should().BeApproximately(1 / 0.07, 1e-4);
        loss.LogScale.item<float>().Should().BeApproximately((float)Math.Log(1 / 0.07), 1e-6f);
        loss.named_parameters().Select(p => p.name).Should().Equal("logit_scale");
        Set(loss.LogScale, Math.Log(500));
        loss.LogitScale.Should().Be(100);

        using var frozen = new ImageTextContrastiveLoss(new ContrastiveLossOptions { LearnableTemperature = false });
        frozen.parameters().Should().BeEmpty();
        frozen.named_buffers().Select(b => b.name).Should().Equal("logit_scale");
    }

    [Fact]
    public void Capped_scale_passes_no_gradient_to_t()
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { MaxLogitScale = 5 });
        Set(loss.LogScale, Math.Log(20));
        loss.forward(Features(4, 3, 1), Features(4, 3, 2)).backward();
        loss.LogScale.grad!.item<float>().Should().Be(0);
        Set(loss.LogScale, Math.Log(2));
        loss.LogScale.grad!.zero_();
        loss.forward(Features(4, 3, 1), Features(4, 3, 2)).backward();
        loss.LogScale.grad!.item<float>().Should().NotBe(0);
    }

    // ---- reference fixtures (open_clip ClipLoss, BLIP idx targets) -------------------------------

    public static IEnumerable<object[]> ClipCases() =>
        from name in ClipCaseNames
        from implementation in Exact
        select new object[] { name, implementation };

    [Theory]
    [MemberData(nameof(ClipCases))]
    public void Matches_the_pytorch_reference_value_and_gradients(string name, ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        var c = Fixture.Load("contrastive.json").Case(name);
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions
        {
            MaxLogitScale = Fixture.Number(c, "max_scale"),
            Normalize = c.GetProperty("normalize").GetBoolean(),
            LabelSmoothing = Fixture.Number(c, "smoothing"),
            ImageToTextWeight = Fixture.Number(c, "w_i2t"),
            TextToImageWeight = Fixture.Number(c, "w_t2i"),
            Implementation = implementation,
            ChunkSize = 2,
        });
        Set(loss.LogScale, Fixture.Number(c, "t"));
        var image = Fixture.Tensor(c, "image").requires_grad_(true);
        var text = Fixture.Tensor(c, "text").requires_grad_(true);
        var value = c.TryGetProperty("labels", out _)
            ? loss.forward(image, text, Fixture.Tensor(c, "labels"))
            : loss.forward(image, text);
        value.backward();

        value.item<double>().Should().BeApproximately(Fixture.Number(c, "loss"), 1e-5);
        MaxAbsDiff(image.grad!, Fixture.Tensor(c, "grad_image")).Should().BeLessThan(1e-5);
        MaxAbsDiff(text.grad!, Fixture.Tensor(c, "grad_text")).Should().BeLessThan(1e-5);
        loss.LogScale.grad!.item<float>().Should().BeApproximately((float)Fixture.Number(c, "grad_t"), 1e-5f);
    }

    // ---- gradients by finite differences (float64) ----------------------------------------------

    [Theory]
    [InlineData(ContrastiveImplementation.Dense, false)]
    [InlineData(ContrastiveImplementation.Chunked, false)]
    [InlineData(ContrastiveImplementation.Dense, true)]
    [InlineData(ContrastiveImplementation.Chunked, true)]
    public void Feature_gradients_match_finite_differences(ContrastiveImplementation implementation, bool withLabels)
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions
        {
            Temperature = 0.5,
            LabelSmoothing = 0.1,
            ImageToTextWeight = 0.3,
            TextToImageWeight = 0.9,
            Implementation = implementation,
            ChunkSize = 2,
        });
        var labels = tensor(new long[] { 1, 0, 1, 2, 0 });
        GradientCheck.Assert(
            x => withLabels ? loss.forward(x[0], x[1], labels) : loss.forward(x[0], x[1]),
            new[] { Features(5, 3, 11), Features(5, 3, 12) });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kernel_gradients_including_the_scale_match_finite_differences(bool chunked)
    {
        using var scope = NewDisposeScope();
        var classes = tensor(new long[] { 0, 1, 0, 2, 1, 1, 3 });
        var (_, inverse, counts) = classes.unique(sorted: false, return_inverse: true, return_counts: true);
        var n = counts!.index_select(0, inverse!).to_type(ScalarType.Float64);
        GradientCheck.Assert(
            x => chunked
                ? ChunkedSoftmaxContrastive.Loss(x[0], x[1], x[2], classes, n, 3, 0.15, 0.4, 0.6)
                : ImageTextContrastiveLoss.Dense(x[0], x[1], x[2], classes, n, 0.15, 0.4, 0.6),
            new[] { Features(7, 4, 21), Features(7, 4, 22), tensor(2.5, dtype: ScalarType.Float64) });
    }

    // ---- chunked == dense (fp32) -----------------------------------------------------------------

    [Theory]
    [InlineData(37, 8, false, 0.0)]
    [InlineData(37, 8, true, 0.0)]
    [InlineData(37, 8, true, 0.1)]
    [InlineData(37, 5, false, 0.3)]
    [InlineData(37, 1, true, 0.05)]
    [InlineData(37, 64, true, 0.1)]
    [InlineData(1, 8, false, 0.1)]
    public void Chunked_equals_dense_in_float32(int batch, int chunk, bool withLabels, double smoothing)
    {
        using var scope = NewDisposeScope();
        var image = Features(batch, 16, 31, ScalarType.Float32);
        var text = Features(batch, 16, 32, ScalarType.Float32);
        using var generator = new Generator(33);
        var labels = randint(0, 6, new long[] { batch }, generator: generator);

        (Tensor Value, Tensor GradImage, Tensor GradText, Tensor GradT) Run(ContrastiveImplementation implementation)
        {
            using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions
            {
                LabelSmoothing = smoothing,
                ImageToTextWeight = 0.7,
                TextToImageWeight = 0.4,
                Implementation = implementation,
                ChunkSize = chunk,
            });
            var i = image.detach().clone().requires_grad_(true);
            var t = text.detach().clone().requires_grad_(true);
            var value = withLabels ? loss.forward(i, t, labels) : loss.forward(i, t);
            value.backward();
            return (value.detach(), i.grad!, t.grad!, loss.LogScale.grad!.clone());
        }

        var dense = Run(ContrastiveImplementation.Dense);
        var chunked = Run(ContrastiveImplementation.Chunked);
        MaxAbsDiff(chunked.Value, dense.Value).Should().BeLessThan(1e-5);
        MaxAbsDiff(chunked.GradImage, dense.GradImage).Should().BeLessThan(1e-5);
        MaxAbsDiff(chunked.GradText, dense.GradText).Should().BeLessThan(1e-5);
        MaxAbsDiff(chunked.GradT, dense.GradT).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Chunked_runs_under_no_grad_and_when_only_the_scale_learns()
    {
        using var scope = NewDisposeScope();
        var image = Features(11, 4, 91);
        var text = Features(11, 4, 92);
        using var dense = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense });
        using var chunked = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Chunked, ChunkSize = 4 });
        var expected = dense.forward(image, text);
        expected.backward();
        using (no_grad())
        {
            chunked.forward(image, text).item<double>().Should().BeApproximately(expected.item<double>(), 1e-12);
        }

        var value = chunked.forward(image, text);
        value.requires_grad.Should().BeTrue();
        value.backward();
        chunked.LogScale.grad!.item<float>().Should().BeApproximately(dense.LogScale.grad!.item<float>(), 1e-6f);
    }

    // ---- properties and edge cases ---------------------------------------------------------------

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Permuting_the_batch_leaves_the_loss_unchanged(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { LabelSmoothing = 0.1, Implementation = implementation, ChunkSize = 3 });
        var image = Features(9, 4, 41);
        var text = Features(9, 4, 42);
        var labels = tensor(new long[] { 0, 1, 1, 2, 0, 3, 1, 2, 2 });
        using var generator = new Generator(43);
        var perm = randperm(9, generator: generator);
        loss.forward(image[perm], text[perm]).item<double>().Should().BeApproximately(loss.forward(image, text).item<double>(), 1e-12);
        loss.forward(image[perm], text[perm], labels[perm]).item<double>()
            .Should().BeApproximately(loss.forward(image, text, labels).item<double>(), 1e-12);
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void A_single_pair_has_zero_loss_and_zero_gradients(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { LabelSmoothing = 0.1, Implementation = implementation });
        var image = Features(1, 4, 51).requires_grad_(true);
        var value = loss.forward(image, Features(1, 4, 52));
        value.backward();
        value.item<double>().Should().Be(0);
        image.grad!.abs().max().item<double>().Should().Be(0);
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Zero_vectors_and_duplicates_stay_finite(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = implementation, ChunkSize = 2 });
        var image = cat(new[] { zeros(2, 4, dtype: ScalarType.Float32), Features(1, 4, 61, ScalarType.Float32).expand(3, 4) }).requires_grad_(true);
        var text = cat(new[] { Features(3, 4, 62, ScalarType.Float32), zeros(2, 4, dtype: ScalarType.Float32) }).requires_grad_(true);
        var value = loss.forward(image, text, tensor(new long[] { 0, 0, 1, 1, 1 }));
        value.backward();
        AllFinite(value).Should().BeTrue();
        AllFinite(image.grad!).Should().BeTrue();
        AllFinite(text.grad!).Should().BeTrue();
        AllFinite(loss.LogScale.grad!).Should().BeTrue();
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense, ScalarType.Float32)]
    [InlineData(ContrastiveImplementation.Chunked, ScalarType.Float32)]
    [InlineData(ContrastiveImplementation.Dense, ScalarType.BFloat16)]
    [InlineData(ContrastiveImplementation.Chunked, ScalarType.BFloat16)]
    public void Logits_of_plus_minus_1e4_give_finite_loss_and_gradients(ContrastiveImplementation implementation, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var loss = Fixed(1.0, implementation, smoothing: 0.1, normalize: false, chunk: 2);
        // Raw features of norm 100: S_ij = ±1e4.
        var image = tensor(new float[] { 100, 0, -100, 0, 0, 100 }).reshape(3, 2).to_type(dtype).requires_grad_(true);
        var text = tensor(new float[] { 100, 0, 100, 0, 0, -100 }).reshape(3, 2).to_type(dtype).requires_grad_(true);
        var value = loss.forward(image, text);
        value.backward();
        value.dtype.Should().Be(dtype);
        AllFinite(value).Should().BeTrue();
        value.to_type(ScalarType.Float32).item<float>().Should().BeGreaterThan(1000);
        AllFinite(image.grad!).Should().BeTrue();
        AllFinite(text.grad!).Should().BeTrue();
    }

    // ---- bad input and options -------------------------------------------------------------------

    [Fact]
    public void Bad_input_throws_argument_exceptions_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        using var loss = new ImageTextContrastiveLoss();
        var ok = Features(4, 3, 71, ScalarType.Float32);
        var nan = ok.clone();
        nan[1, 1] = tensor(float.NaN);
        var inf = ok.clone();
        inf[0, 0] = tensor(float.PositiveInfinity);

        Expect(() => loss.forward(ok, Features(5, 3, 72, ScalarType.Float32)), "text");
        Expect(() => loss.forward(ok, ok.to_type(ScalarType.Float64)), "text");
        Expect(() => loss.forward(ok.to_type(ScalarType.Int64), ok.to_type(ScalarType.Int64)), "image");
        Expect(() => loss.forward(ok.reshape(12), ok.reshape(12)), "image");
        Expect(() => loss.forward(zeros(0, 3), zeros(0, 3)), "image");
        Expect(() => loss.forward(nan, ok), "image");
        Expect(() => loss.forward(ok, inf), "text");
        Expect(() => loss.forward(ok, ok, tensor(new long[] { 0, 1, 2 })), "labels");
        Expect(() => loss.forward(ok, ok, tensor(new long[] { 0, 1, -1, 2 })), "labels");
        Expect(() => loss.forward(ok, ok, tensor(new float[] { 0, 1, 1, 2 })), "labels");
        Expect(() => loss.forward(null!, ok), "image");
    }

    [Fact]
    public void Invalid_options_throw_naming_the_option()
    {
        ExpectOption(new ContrastiveLossOptions { Temperature = 0 }, "Temperature");
        ExpectOption(new ContrastiveLossOptions { Temperature = double.NaN }, "Temperature");
        ExpectOption(new ContrastiveLossOptions { Temperature = 1e-320 }, "Temperature");
        ExpectOption(new ContrastiveLossOptions { MaxLogitScale = -1 }, "MaxLogitScale");
        ExpectOption(new ContrastiveLossOptions { LabelSmoothing = 1.5 }, "LabelSmoothing");
        ExpectOption(new ContrastiveLossOptions { ImageToTextWeight = -0.1 }, "ImageToTextWeight");
        ExpectOption(new ContrastiveLossOptions { TextToImageWeight = double.PositiveInfinity }, "TextToImageWeight");
        ExpectOption(new ContrastiveLossOptions { ChunkSize = 0 }, "ChunkSize");
        ExpectOption(new ContrastiveLossOptions { Implementation = (ContrastiveImplementation)42 }, "Implementation");
    }

    // ---- implementation choice, Fused fallback and leaks -----------------------------------------

    [Fact]
    public void Auto_is_dense_up_to_the_threshold_and_fused_falls_back_to_chunked_with_one_trace_message()
    {
        ContrastiveCommon.Resolve(ContrastiveImplementation.Auto, ContrastiveLossOptions.AutoDenseMaxBatchSize, CPU).Should().Be(ContrastiveImplementation.Dense);
        ContrastiveCommon.Resolve(ContrastiveImplementation.Auto, ContrastiveLossOptions.AutoDenseMaxBatchSize + 1, CPU).Should().Be(ContrastiveImplementation.Chunked);

        // The only test that requests Fused (the message is logged once per process).
        var listener = new CapturingListener();
        Trace.Listeners.Add(listener);
        try
        {
            using var scope = NewDisposeScope();
            var image = Features(6, 3, 81);
            var text = Features(6, 3, 82);
            using var fused = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Fused, ChunkSize = 4 });
            using var chunked = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Chunked, ChunkSize = 4 });
            using var siglip = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { Implementation = ContrastiveImplementation.Fused });
            using var siglipDense = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense });
            fused.forward(image, text).item<double>().Should().BeApproximately(chunked.forward(image, text).item<double>(), 1e-12);
            fused.forward(image, text).item<double>().Should().BeApproximately(chunked.forward(image, text).item<double>(), 1e-12);
            siglip.forward(image, text).item<double>().Should().BeApproximately(siglipDense.forward(image, text).item<double>(), 1e-12);
        }
        finally
        {
            Trace.Listeners.Remove(listener);
        }

        var messages = listener.Messages.Where(m => m.Contains("ContrastiveImplementation.Fused", StringComparison.Ordinal)).ToList();
        messages.Should().ContainSingle().Which.Should().Contain("not CUDA").And.Contain("no fused CUDA").And.Contain("Chunked");
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Repeated_training_steps_leave_no_tensors_alive(ContrastiveImplementation implementation)
    {
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { LabelSmoothing = 0.1, Implementation = implementation, ChunkSize = 3 });
        var labels = tensor(new long[] { 0, 1, 0, 2, 1, 0, 2 }).DetachFromDisposeScope();
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            loss.zero_grad();
            var image = randn(7, 5).requires_grad_(true);
            var text = randn(7, 5).requires_grad_(true);
            loss.forward(image, text, labels).backward();
            loss.forward(image, text).backward();
        });
        labels.Dispose();
    }

    private static void Expect(Action act, string argument) =>
        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(argument);

    private static void ExpectOption(ContrastiveLossOptions options, string option) =>
        ((Action)(() => new ImageTextContrastiveLoss(options).Dispose())).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);

    private sealed class CapturingListener : TraceListener
    {
        public List<string> Messages { get; } = new();

        public override void Write(string? message) => Record(message);

        public override void WriteLine(string? message) => Record(message);

        private void Record(string? message)
        {
            lock (Messages)
            {
                Messages.Add(message ?? string.Empty);
            }
        }
    }
}
