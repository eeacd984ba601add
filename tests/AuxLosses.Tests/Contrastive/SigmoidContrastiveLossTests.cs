using System;
using System.Collections.Generic;
using System.Linq;
using AuxLosses.Internal;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static AuxLosses.Tests.Contrastive.ContrastiveTestHelpers;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Contrastive;

public sealed class SigmoidContrastiveLossTests
{
    private static readonly ContrastiveImplementation[] Exact = { ContrastiveImplementation.Dense, ContrastiveImplementation.Chunked };

    private static readonly string[] SiglipCaseNames = { "siglip_default", "siglip_scale_bias", "siglip_raw_clamped", "siglip_labels" };

    private static SigmoidContrastiveLoss Make(ContrastiveImplementation implementation, double scale = 10, double bias = -10, bool normalize = true, int chunk = 2) =>
        new(new SigmoidContrastiveLossOptions
        {
            InitialLogitScale = scale,
            InitialLogitBias = bias,
            Normalize = normalize,
            Implementation = implementation,
            ChunkSize = chunk,
        });

    private static Tensor Eye2() => tensor(new double[] { 1, 0, 0, 1 }).reshape(2, 2);

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Orthogonal_pairs_match_the_closed_form(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        // ℓ = [[s+b, b], [b, s+b]]: L = −½·(2 log σ(s+b) + 2 log σ(−b)) = softplus(−(s+b)) + softplus(b).
        using var defaults = Make(implementation);
        defaults.forward(Eye2(), Eye2()).item<double>().Should().BeApproximately(Math.Log(2) + Softplus(-10), 1e-12);
        using var other = Make(implementation, scale: 3, bias: -1);
        other.forward(Eye2(), Eye2()).item<double>().Should().BeApproximately(Softplus(-2) + Softplus(-1), 1e-12);
        // Same label: all four pairs positive, L = −½·(2 log σ(s+b) + 2 log σ(b)).
        other.forward(Eye2(), Eye2(), tensor(new long[] { 4, 4 })).item<double>().Should().BeApproximately(Softplus(-2) + Softplus(1), 1e-12);
    }

    [Fact]
    public void Defaults_are_siglip()
    {
        using var scope = NewDisposeScope();
        using var loss = new SigmoidContrastiveLoss();
        loss.LogitScale.Should().BeApproximately(10, 1e-5);
        loss.LogitBias.item<float>().Should().Be(-10);
        loss.named_parameters().Select(p => p.name).Should().BeEquivalentTo("logit_scale", "logit_bias");
        using var frozen = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { LearnableScale = false, LearnableBias = false });
        frozen.parameters().Should().BeEmpty();
        frozen.named_buffers().Select(b => b.name).Should().BeEquivalentTo("logit_scale", "logit_bias");
    }

    public static IEnumerable<object[]> SiglipCases() =>
        from name in SiglipCaseNames
        from implementation in Exact
        select new object[] { name, implementation };

    [Theory]
    [MemberData(nameof(SiglipCases))]
    public void Matches_the_open_clip_reference_value_and_gradients(string name, ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        var c = Fixture.Load("contrastive.json").Case(name);
        using var loss = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions
        {
            MaxLogitScale = Fixture.Number(c, "max_scale"),
            Normalize = c.GetProperty("normalize").GetBoolean(),
            Implementation = implementation,
            ChunkSize = 3,
        });
        Set(loss.LogScale, Fixture.Number(c, "t"));
        Set(loss.LogitBias, Fixture.Number(c, "b"));
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
        loss.LogitBias.grad!.item<float>().Should().BeApproximately((float)Fixture.Number(c, "grad_b"), 1e-5f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradients_including_scale_and_bias_match_finite_differences(bool chunked)
    {
        using var scope = NewDisposeScope();
        var classes = tensor(new long[] { 0, 1, 0, 2, 1 });
        GradientCheck.Assert(
            x => chunked
                ? ChunkedSigmoidContrastive.Loss(x[0], x[1], x[2], x[3], classes, 2)
                : SigmoidContrastiveLoss.Dense(x[0], x[1], x[2], x[3], classes),
            new[] { Features(5, 3, 11), Features(5, 3, 12), tensor(2.5, dtype: ScalarType.Float64), tensor(-0.7, dtype: ScalarType.Float64) });
        using var loss = Make(chunked ? ContrastiveImplementation.Chunked : ContrastiveImplementation.Dense, scale: 4, bias: -1);
        GradientCheck.Assert(x => loss.forward(x[0], x[1], classes), new[] { Features(5, 3, 13), Features(5, 3, 14) });
    }

    [Theory]
    [InlineData(37, 8, false)]
    [InlineData(37, 8, true)]
    [InlineData(37, 1, true)]
    [InlineData(37, 64, false)]
    public void Chunked_equals_dense_in_float32(int batch, int chunk, bool withLabels)
    {
        using var scope = NewDisposeScope();
        var image = Features(batch, 16, 31, ScalarType.Float32);
        var text = Features(batch, 16, 32, ScalarType.Float32);
        using var generator = new Generator(33);
        var labels = randint(0, 6, new long[] { batch }, generator: generator);

        Tensor[] Run(ContrastiveImplementation implementation)
        {
            using var loss = Make(implementation, scale: 5, bias: -2, chunk: chunk);
            var i = image.detach().clone().requires_grad_(true);
            var t = text.detach().clone().requires_grad_(true);
            var value = withLabels ? loss.forward(i, t, labels) : loss.forward(i, t);
            value.backward();
            return new[] { value.detach(), i.grad!, t.grad!, loss.LogScale.grad!.clone(), loss.LogitBias.grad!.clone() };
        }

        var dense = Run(ContrastiveImplementation.Dense);
        var chunked = Run(ContrastiveImplementation.Chunked);
        for (var k = 0; k < dense.Length; k++)
        {
            MaxAbsDiff(chunked[k], dense[k]).Should().BeLessThan(1e-5, $"output {k} must agree");
        }
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Permuting_the_batch_leaves_the_loss_unchanged(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = Make(implementation, scale: 3, bias: -1, chunk: 4);
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
    public void Single_pair_zero_vectors_and_duplicates_stay_finite(ContrastiveImplementation implementation)
    {
        using var scope = NewDisposeScope();
        using var loss = Make(implementation);
        // B = 1: L = −log σ(s + b) with s = 10, b = −10 on a unit pair.
        loss.forward(Features(1, 3, 1), Features(1, 3, 1)).item<double>().Should().BeApproximately(Math.Log(2), 1e-12);

        var image = cat(new[] { zeros(2, 4), Features(1, 4, 61, ScalarType.Float32).expand(3, 4) }).requires_grad_(true);
        var text = cat(new[] { Features(3, 4, 62, ScalarType.Float32), zeros(2, 4) }).requires_grad_(true);
        var value = loss.forward(image, text, tensor(new long[] { 0, 0, 1, 1, 1 }));
        value.backward();
        AllFinite(value).Should().BeTrue();
        AllFinite(image.grad!).Should().BeTrue();
        AllFinite(text.grad!).Should().BeTrue();
        AllFinite(loss.LogScale.grad!).Should().BeTrue();
        AllFinite(loss.LogitBias.grad!).Should().BeTrue();
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense, ScalarType.Float32)]
    [InlineData(ContrastiveImplementation.Chunked, ScalarType.Float32)]
    [InlineData(ContrastiveImplementation.Dense, ScalarType.BFloat16)]
    [InlineData(ContrastiveImplementation.Chunked, ScalarType.BFloat16)]
    public void Logits_of_plus_minus_1e4_give_finite_loss_and_gradients(ContrastiveImplementation implementation, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var loss = Make(implementation, scale: 1, bias: 0, normalize: false);
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

    [Fact]
    public void Bad_input_and_options_throw_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        using var loss = new SigmoidContrastiveLoss();
        var ok = Features(4, 3, 71, ScalarType.Float32);
        var nan = ok.clone();
        nan[2, 0] = tensor(float.NaN);
        Expect(() => loss.forward(ok, Features(4, 2, 72, ScalarType.Float32)), "text");
        Expect(() => loss.forward(ok, ok.to_type(ScalarType.Float64)), "text");
        Expect(() => loss.forward(ok.to_type(ScalarType.Int32), ok.to_type(ScalarType.Int32)), "image");
        Expect(() => loss.forward(nan, ok), "image");
        Expect(() => loss.forward(zeros(0, 3), zeros(0, 3)), "image");
        Expect(() => loss.forward(ok, ok, tensor(new long[] { 0, 1, 2, 3, 4 })), "labels");
        Expect(() => loss.forward(ok, ok, tensor(new double[] { 0, 1, 2, 3 })), "labels");

        ExpectOption(new SigmoidContrastiveLossOptions { InitialLogitScale = 0 }, "InitialLogitScale");
        ExpectOption(new SigmoidContrastiveLossOptions { InitialLogitBias = double.NaN }, "InitialLogitBias");
        ExpectOption(new SigmoidContrastiveLossOptions { MaxLogitScale = double.PositiveInfinity }, "MaxLogitScale");
        ExpectOption(new SigmoidContrastiveLossOptions { ChunkSize = -3 }, "ChunkSize");
        ExpectOption(new SigmoidContrastiveLossOptions { Implementation = (ContrastiveImplementation)(-1) }, "Implementation");
    }

    [Theory]
    [InlineData(ContrastiveImplementation.Dense)]
    [InlineData(ContrastiveImplementation.Chunked)]
    public void Repeated_training_steps_leave_no_tensors_alive(ContrastiveImplementation implementation)
    {
        using var loss = Make(implementation, chunk: 3);
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

    private static void ExpectOption(SigmoidContrastiveLossOptions options, string option) =>
        ((Action)(() => new SigmoidContrastiveLoss(options).Dispose())).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
}
