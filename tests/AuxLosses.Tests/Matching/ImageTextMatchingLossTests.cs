using System;
using System.Linq;
using AuxLosses;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Matching;

public sealed class ImageTextMatchingLossTests
{
    private static readonly NegativeSamplerOptions HardOptions = new() { Strategy = NegativeSamplingStrategy.Hard };

    /// <summary>A concat fusion like the paper's: ReLU(Linear(cat(text, image))).</summary>
    private sealed class ConcatFusion : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear fc;

        public ConcatFusion(long imageSize, long textSize, long outputSize)
            : base(nameof(ConcatFusion))
        {
            fc = nn.Linear(textSize + imageSize, outputSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor image, Tensor text) => fc.call(cat(new[] { text, image }, 1)).tanh(); // smooth: no dead units, so every row gets a gradient
    }

    [Fact]
    public void Cross_entropy_matches_a_hand_computed_value()
    {
        using var loss = new ImageTextMatchingLoss(4);
        using var logits = tensor(new float[] { 1, 2, 3, -1 }).reshape(2, 2);
        using var labels = tensor(new long[] { 1, 0 });
        using var value = loss.call(logits, labels);
        var expected = (Math.Log(1 + Math.Exp(-1)) + Math.Log(1 + Math.Exp(-4))) / 2;
        value.item<float>().Should().BeApproximately((float)expected, 1e-6f);
    }

    [Fact]
    public void Whole_step_matches_a_hand_computed_value_and_reports_accuracy()
    {
        // B = 2, always swap: pairs (0, 1) and (1, 0), both labelled 0. Fusion = elementwise product.
        using var loss = new ImageTextMatchingLoss(2, samplerOptions: new NegativeSamplerOptions { SwapProbability = 1 });
        using (no_grad())
        {
            loss.Head.Weight.copy_(tensor(new float[] { 1, 0, 0, 1 }).reshape(2, 2));
            loss.Head.Bias.zero_();
        }

        using var image = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var text = tensor(new float[] { 0.5f, -1, 2, 0.25f }).reshape(2, 2);
        var encoder = new LateFusionPairEncoder(image, text, (i, t) => i * t);
        using var output = loss.forward(encoder);
        // Pair (0, 1): fused [2, 0.5] → logits [2, 0.5]; pair (1, 0): fused [1.5, −4] → logits [1.5, −4]; targets 0.
        var expected = (Math.Log(1 + Math.Exp(0.5 - 2)) + Math.Log(1 + Math.Exp(-4 - 1.5))) / 2;
        output.Loss.item<float>().Should().BeApproximately((float)expected, 1e-6f);
        output.Logits.data<float>().ToArray().Should().Equal(2f, 0.5f, 1.5f, -4f);
        output.MatchLabels.data<long>().ToArray().Should().Equal(0L, 0L);
        output.Pairs.TextIndex.data<long>().ToArray().Should().Equal(1L, 0L);
        output.Accuracy.item<float>().Should().Be(1f, "both argmaxes are class 0");
        output.Accuracy.requires_grad.Should().BeFalse();
    }

    [Fact]
    public void Accuracy_counts_argmax_agreement()
    {
        using var loss = new ImageTextMatchingLoss(2);
        using var image = eye(3, 2);
        using var text = ones(3, 2);
        using var pairs = new MatchingPairs(arange(3L), arange(3L), tensor(new long[] { 1, 1, 0 }), 3, NegativeSamplingStrategy.Random, 0);
        using (no_grad())
        {
            loss.Head.Weight.copy_(tensor(new float[] { 0, 0, 1, -1 }).reshape(2, 2));
            loss.Head.Bias.zero_();
        }

        // Fused = image rows [1,0], [0,1], [0,0] → class-1 logits 1, −1, 0 vs class-0 logits 0: predictions 1, 0, 0 (tie → first).
        using var output = loss.forward(new LateFusionPairEncoder(image, text, (i, _) => i), pairs);
        output.Accuracy.item<float>().Should().BeApproximately(2f / 3f, 1e-6f);
    }

    [Fact]
    public void Extreme_logits_give_finite_loss_and_gradients_in_float32_and_bfloat16()
    {
        using var loss = new ImageTextMatchingLoss(2);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var scope = NewDisposeScope();
            var logits = tensor(new float[] { 1e4f, -1e4f, -1e4f, 1e4f }).reshape(2, 2).to(dtype).requires_grad_(true);
            var labels = tensor(new long[] { 0, 0 });
            var value = loss.call(logits, labels);
            value.dtype.Should().Be(dtype);
            value.to(ScalarType.Float32).item<float>().Should().BeApproximately(1e4f, 1e4f * 0.01f);
            value.backward();
            logits.grad!.isfinite().all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void Gradient_matches_finite_differences_for_features_and_head_weights()
    {
        using var generator = new Generator(4);
        using var image = randn(new long[] { 4, 3 }, dtype: ScalarType.Float64, generator: generator);
        using var text = randn(new long[] { 4, 3 }, dtype: ScalarType.Float64, generator: generator);
        using var loss = new ImageTextMatchingLoss(3);
        loss.to(ScalarType.Float64);
        using var pairs = new MatchingPairs(tensor(new long[] { 0, 1, 2, 3, 2, 0 }), tensor(new long[] { 0, 1, 2, 3, 1, 3 }), tensor(new long[] { 1, 1, 1, 1, 0, 0 }), 4, NegativeSamplingStrategy.Hard, 0);
        Func<Tensor, Tensor, Tensor> fuse = (i, t) => tanh((i * t) + i - (0.5 * t));

        GradientCheck.Assert(x => loss.forward(new LateFusionPairEncoder(x[0], x[1], fuse), pairs).Loss, new[] { image, text });

        // Head weights: the same CE through a functional linear with W and b as leaves.
        using var fused = fuse(image.index_select(0, pairs.ImageIndex), text.index_select(0, pairs.TextIndex));
        GradientCheck.Assert(
            x => loss.call(nn.functional.linear(x[0], x[1], x[2]), pairs.MatchLabels),
            new[] { fused, loss.Head.Weight.detach(), loss.Head.Bias.detach() });
    }

    [Fact]
    public void Head_weight_gradient_from_the_module_agrees_with_the_functional_form()
    {
        using var loss = new ImageTextMatchingLoss(3);
        loss.to(ScalarType.Float64);
        using var fused = randn(5, 3, dtype: ScalarType.Float64);
        using var labels = tensor(new long[] { 1, 0, 1, 0, 0 });
        using var value = loss.call(loss.Head.call(fused), labels);
        value.backward();
        using var w = loss.Head.Weight.detach().clone().requires_grad_(true);
        using var b = loss.Head.Bias.detach().clone().requires_grad_(true);
        using var reference = nn.functional.cross_entropy(nn.functional.linear(fused, w, b), labels);
        reference.backward();
        loss.Head.Weight.grad!.allclose(w.grad!, 1e-12, 1e-12).Should().BeTrue();
        loss.Head.Bias.grad!.allclose(b.grad!, 1e-12, 1e-12).Should().BeTrue();
        value.item<double>().Should().BeApproximately(reference.item<double>(), 1e-12);
    }

    [Fact]
    public void Late_fusion_gradient_flows_into_the_cached_features_and_the_fusion()
    {
        using var fusion = new ConcatFusion(3, 5, 6);
        using var loss = new ImageTextMatchingLoss(6, samplerOptions: HardOptions);
        using var image = randn(4, 3).requires_grad_(true);
        using var text = randn(4, 5).requires_grad_(true);
        using var similarity = image.mm(text.narrow(1, 0, 3).t());
        using var output = loss.forward(new LateFusionPairEncoder(image, text, fusion), similarity);
        output.Loss.backward();
        image.grad!.abs().sum(1).gt(0).all().item<bool>().Should().BeTrue("every image appears in a positive pair");
        text.grad!.abs().sum(1).gt(0).all().item<bool>().Should().BeTrue("every text appears in a positive pair");
        fusion.parameters().All(p => p.grad is not null).Should().BeTrue();
        loss.Head.Weight.grad.Should().NotBeNull();
    }

    [Fact]
    public void Early_fusion_runs_the_pair_model_once_on_exactly_the_requested_rows()
    {
        const int B = 4;
        using var pixels = randn(B, 2);
        using var ids = randn(B, 3);
        var calls = 0;
        long[] seenImages = Array.Empty<long>(), seenTexts = Array.Empty<long>();
        Tensor PairModel(Tensor imageIndex, Tensor textIndex)
        {
            calls++;
            seenImages = imageIndex.data<long>().ToArray();
            seenTexts = textIndex.data<long>().ToArray();
            return cat(new[] { pixels.index_select(0, imageIndex), ids.index_select(0, textIndex) }, 1);
        }

        using var loss = new ImageTextMatchingLoss(5, samplerOptions: HardOptions);
        using var similarity = randn(B, B);
        using var generator = new Generator(2);
        using var output = loss.forward(new EarlyFusionPairEncoder(B, PairModel), similarity, generator: generator);
        calls.Should().Be(1);
        seenImages.Should().Equal(output.Pairs.ImageIndex.data<long>().ToArray());
        seenTexts.Should().Equal(output.Pairs.TextIndex.data<long>().ToArray());
        seenImages.Length.Should().Be(3 * B);
        output.Logits.shape.Should().Equal(3 * B, 2);
    }

    [Fact]
    public void Is_deterministic_given_a_seeded_generator()
    {
        using var loss = new ImageTextMatchingLoss(3);
        using var image = randn(8, 3);
        using var text = randn(8, 3);
        var encoder = new LateFusionPairEncoder(image, text, (i, t) => i - t);
        using var g1 = new Generator(10);
        using var g2 = new Generator(10);
        using var a = loss.forward(encoder, generator: g1);
        using var b = loss.forward(encoder, generator: g2);
        a.Pairs.TextIndex.Equals(b.Pairs.TextIndex).Should().BeTrue();
        a.Loss.item<float>().Should().Be(b.Loss.item<float>());
    }

    [Fact]
    public void Is_invariant_to_permuting_the_batch()
    {
        using var generator = new Generator(6);
        using var loss = new ImageTextMatchingLoss(3);
        using var image = randn(new long[] { 5, 3 }, generator: generator);
        using var text = randn(new long[] { 5, 3 }, generator: generator);
        Func<Tensor, Tensor, Tensor> fuse = (i, t) => i * t;
        using var pairs = new MatchingPairs(tensor(new long[] { 0, 1, 2, 3, 4, 0, 3 }), tensor(new long[] { 0, 1, 2, 3, 4, 2, 1 }), tensor(new long[] { 1, 1, 1, 1, 1, 0, 0 }), 5, NegativeSamplingStrategy.Hard, 0);
        using var original = loss.forward(new LateFusionPairEncoder(image, text, fuse), pairs);

        // Row r of the permuted batch is old row perm[r]; old row k now sits at inverse[k].
        using var perm = tensor(new long[] { 3, 0, 4, 1, 2 });
        using var inverse = perm.argsort();
        using var order = tensor(new long[] { 6, 2, 0, 5, 1, 4, 3 });
        using var moved = new MatchingPairs(
            inverse.index_select(0, pairs.ImageIndex).index_select(0, order),
            inverse.index_select(0, pairs.TextIndex).index_select(0, order),
            pairs.MatchLabels.index_select(0, order), 5, NegativeSamplingStrategy.Hard, 0);
        using var permuted = loss.forward(new LateFusionPairEncoder(image.index_select(0, perm), text.index_select(0, perm), fuse), moved);
        permuted.Loss.item<float>().Should().BeApproximately(original.Loss.item<float>(), 1e-6f);
    }

    [Fact]
    public void Rejects_bad_input_naming_the_argument()
    {
        using var loss = new ImageTextMatchingLoss(2);
        using var wide = randn(3, 3);
        using var labels = tensor(new long[] { 1, 0, 1 });
        FluentActions.Invoking(() => loss.call(wide, labels)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "logits" && e.Message.Contains("[3, 3]"));
        using var nan = tensor(new float[] { 0, float.PositiveInfinity, 1, 1, 0, 0 }).reshape(3, 2);
        FluentActions.Invoking(() => loss.call(nan, labels)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("logits");
        using var logits = randn(3, 2);
        using var two = tensor(new long[] { 1, 2, 0 });
        FluentActions.Invoking(() => loss.call(logits, two)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("matchLabels");
        using var floats = zeros(3);
        FluentActions.Invoking(() => loss.call(logits, floats)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("matchLabels");
        using var shortLabels = tensor(new long[] { 1, 0 });
        FluentActions.Invoking(() => loss.call(logits, shortLabels)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("matchLabels");
        using var emptyLogits = zeros(0, 2);
        using var emptyLabels = zeros(0, dtype: ScalarType.Int64);
        FluentActions.Invoking(() => loss.call(emptyLogits, emptyLabels)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("logits");

        using var image = randn(3, 2);
        using var text = randn(3, 2);
        var encoder = new LateFusionPairEncoder(image, text, (i, t) => i + t);
        using var hard = new ImageTextMatchingLoss(2, samplerOptions: HardOptions);
        FluentActions.Invoking(() => hard.forward(encoder)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("similarity");
        using var wrongBatch = randn(4, 4);
        FluentActions.Invoking(() => hard.forward(encoder, wrongBatch)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "similarity" && e.Message.Contains("[3, 3]"));
        using var nanSimilarity = full(3, 3, float.NaN);
        FluentActions.Invoking(() => hard.forward(encoder, nanSimilarity)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("similarity");
        using var similarity = randn(3, 3);
        using var badLabels = tensor(new long[] { 0, 1 });
        FluentActions.Invoking(() => hard.forward(encoder, similarity, badLabels)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");

        using var pairs = new MatchingPairs(arange(4L), arange(4L), ones(4, dtype: ScalarType.Int64), 4, NegativeSamplingStrategy.Random, 0);
        FluentActions.Invoking(() => loss.forward(encoder, pairs)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("sampled");

        var badWidth = new LateFusionPairEncoder(image, text, (i, t) => cat(new[] { i, t }, 1));
        FluentActions.Invoking(() => loss.forward(badWidth)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("fused");
    }

    [Fact]
    public void Does_not_leak_tensors_over_training_steps()
    {
        using var fusion = new ConcatFusion(3, 4, 5);
        foreach (var options in new[] { new NegativeSamplerOptions(), HardOptions })
        {
            using var loss = new ImageTextMatchingLoss(5, samplerOptions: options);
            using var generator = new Generator(1);
            using var labels = tensor(new long[] { 0, 1, 0, 1, 2, 2 });
            LeakCheck.AssertFlat(() =>
            {
                using var scope = NewDisposeScope();
                var image = randn(new long[] { 6, 3 }, generator: generator).requires_grad_(true);
                var text = randn(new long[] { 6, 4 }, generator: generator).requires_grad_(true);
                var similarity = image.mm(text.narrow(1, 0, 3).t());
                var output = loss.forward(new LateFusionPairEncoder(image, text, fusion), similarity, labels, generator);
                output.Loss.backward();
                _ = output.Accuracy.item<float>();
                loss.zero_grad();
                fusion.zero_grad();
            });
        }
    }
}
