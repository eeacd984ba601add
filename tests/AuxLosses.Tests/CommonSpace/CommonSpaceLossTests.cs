using System;
using System.Linq;
using System.Text.Json;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.CommonSpace;

public sealed class CommonSpaceLossTests
{
    private static Tensor Matrix(double[,] values) => tensor(values, dtype: ScalarType.Float64);

    private static double Value(CommonSpaceLoss loss, Tensor image, Tensor text, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        return (labels is null ? loss.forward(image, text) : loss.forward(image, text, labels)).item<double>();
    }

    /// <summary>
    /// The loss written as plain loops over the paper/Kiros equation, independent of the tensor code:
    /// (1/B) Σ_i [Σ_k max(0, α − S_ii + S_ik) + Σ_k max(0, α − S_ii + S_ki)], k over negatives.
    /// </summary>
    private static double Reference(double[][] image, double[][] text, double margin, HingeReduction reduction, RankingDirection direction, long[]? labels = null)
    {
        static double[] Unit(double[] v)
        {
            var norm = Math.Sqrt(v.Sum(e => e * e));
            return v.Select(e => norm > 0 ? e / norm : 0).ToArray();
        }

        var x = image.Select(Unit).ToArray();
        var t = text.Select(Unit).ToArray();
        var b = x.Length;
        double S(int i, int k) => x[i].Zip(t[k], (p, q) => p * q).Sum();
        bool Negative(int i, int k) => i != k && (labels is null || labels[i] != labels[k]);
        double Combine(double[] hinges) => hinges.Length == 0 ? 0 : reduction switch
        {
            HingeReduction.Sum => hinges.Sum(),
            HingeReduction.Mean => hinges.Average(),
            _ => hinges.Max(),
        };

        var total = 0.0;
        for (var i = 0; i < b; i++)
        {
            var negatives = Enumerable.Range(0, b).Where(k => Negative(i, k)).ToArray();
            if (direction != RankingDirection.TextToImage)
            {
                total += Combine(negatives.Select(k => Math.Max(0, margin - S(i, i) + S(i, k))).ToArray());
            }

            if (direction != RankingDirection.ImageToText)
            {
                total += Combine(negatives.Select(k => Math.Max(0, margin - S(i, i) + S(k, i))).ToArray());
            }
        }

        return total / b;
    }

    private static double[][] Rows(Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].to(ScalarType.Float64).data<double>().ToArray()).ToArray();

    [Fact]
    public void Two_posts_match_the_hand_computed_value()
    {
        // Unit vectors: x0 = (1,0), x1 = (0,1); t0 = (1,0), t1 = (1,1)/√2.
        // S = [[1, 1/√2], [0, 1/√2]], α = 0.5.
        // image 0 vs text 1: 0.5 − 1 + 1/√2;   image 1 vs text 0: 0.5 − 1/√2 + 0 < 0 → 0
        // text 0 vs image 1: 0.5 − 1 + 0 → 0;  text 1 vs image 0: 0.5 − 1/√2 + 1/√2 = 0.5
        var expected = (0.5 - 1 + 1 / Math.Sqrt(2) + 0.5) / 2;
        using var image = Matrix(new double[,] { { 1, 0 }, { 0, 1 } });
        using var text = Matrix(new double[,] { { 1, 0 }, { 3, 3 } });

        Value(new CommonSpaceLoss(new() { Margin = 0.5 }), image, text).Should().BeApproximately(expected, 1e-12);
        Value(new CommonSpaceLoss(new() { Margin = 0.5, Direction = RankingDirection.ImageToText }), image, text)
            .Should().BeApproximately((0.5 - 1 + 1 / Math.Sqrt(2)) / 2, 1e-12);
        Value(new CommonSpaceLoss(new() { Margin = 0.5, Direction = RankingDirection.TextToImage }), image, text)
            .Should().BeApproximately(0.25, 1e-12);
    }

    [Theory]
    [InlineData(HingeReduction.Mean)]
    [InlineData(HingeReduction.Hardest)]
    public void With_one_negative_per_anchor_every_reduction_equals_the_sum(HingeReduction reduction)
    {
        using var image = Matrix(new double[,] { { 1, 0 }, { 0, 1 } });
        using var text = Matrix(new double[,] { { 1, 0 }, { 3, 3 } });

        Value(new CommonSpaceLoss(new() { Margin = 0.5, Reduction = reduction }), image, text)
            .Should().BeApproximately((0.5 - 1 + 1 / Math.Sqrt(2) + 0.5) / 2, 1e-12);
    }

    [Fact]
    public void Int32_and_int64_labels_give_the_same_loss()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(13);
        var image = randn(6, 3, dtype: ScalarType.Float64, generator: generator);
        var text = randn(6, 3, dtype: ScalarType.Float64, generator: generator);
        var labels = tensor(new long[] { 0, 1, 1, 2, 0, 2 });
        var loss = new CommonSpaceLoss(new() { Margin = 0.5 });

        Value(loss, image, text, labels.to(ScalarType.Int32)).Should().Be(Value(loss, image, text, labels));
    }

    [Fact]
    public void Three_posts_with_labels_and_hardest_negative_match_the_hand_computed_values()
    {
        // Angles: images at 0°, 90°, 180°; texts at 0°, 60°, 180°.  S_ik = cos(θ_i − φ_k).
        // S = [[1, 1/2, −1], [0, √3/2, 0], [−1, −1/2, 1]].
        var h = Math.Sqrt(3) / 2;
        using var image = Matrix(new double[,] { { 1, 0 }, { 0, 1 }, { -1, 0 } });
        using var text = Matrix(new double[,] { { 1, 0 }, { 0.5, h }, { -1, 0 } });

        // α = 0.5, every other post a negative, summed:
        // rows:    i0: [0.5−1+½]+ + [0.5−1−1]+ = 0;   i1: [0.5−h+0]+ ·2 = 0;   i2: [0.5−1−1]+ + [0.5−1−½]+ = 0
        // columns: t0: [0.5−1+0]+ + [0.5−1−1]+ = 0;   t1: [0.5−h+½]+ + [0.5−h−½]+ = 1−h;   t2: [0.5−1−1]+ + [0.5−1+0]+ = 0
        var loss = new CommonSpaceLoss(new() { Margin = 0.5 });
        Value(loss, image, text).Should().BeApproximately((1 - h) / 3, 1e-12);

        // Labels [0, 1, 0]: t1's negatives are still images 0 and 2, so the value is unchanged.
        using var labels = tensor(new long[] { 0, 1, 0 });
        Value(loss, image, text, labels).Should().BeApproximately((1 - h) / 3, 1e-12);

        // Labels [0, 0, 1]: image 0 shares t1's label, so t1's only negative is image 2: [0.5−h−½]+ = 0.
        using var labels2 = tensor(new long[] { 0, 0, 1 });
        Value(loss, image, text, labels2).Should().Be(0);

        // Larger margin α = 1.5, hardest negative, no labels:
        // rows:    i0: max(1.5−1+½, 1.5−1−1) = 1;     i1: max(1.5−h, 1.5−h) = 1.5−h;     i2: max(1.5−1−1, 1.5−1−½) = 0
        // columns: t0: max(1.5−1+0, 1.5−1−1) = 0.5;   t1: max(1.5−h+½, 1.5−h−½) = 2−h;   t2: max(1.5−1−1, 1.5−1+0) = 0.5
        var hardest = new CommonSpaceLoss(new() { Margin = 1.5, Reduction = HingeReduction.Hardest });
        Value(hardest, image, text).Should().BeApproximately((1 + 1.5 - h + 0 + 0.5 + 2 - h + 0.5) / 3, 1e-12);

        // Mean over the two negatives, α = 1.5:
        // rows: i0 (1 + 0)/2, i1 (1.5−h)·2/2, i2 (0 + 0)/2;  columns: t0 (0.5 + 0)/2, t1 ((2−h) + (1−h))/2, t2 (0 + 0.5)/2
        var mean = new CommonSpaceLoss(new() { Margin = 1.5, Reduction = HingeReduction.Mean });
        Value(mean, image, text).Should().BeApproximately((0.5 + 1.5 - h + 0.25 + (3 - 2 * h) / 2 + 0.25) / 3, 1e-12);
    }

    [Theory]
    [InlineData(HingeReduction.Sum, RankingDirection.Both, false)]
    [InlineData(HingeReduction.Mean, RankingDirection.Both, true)]
    [InlineData(HingeReduction.Hardest, RankingDirection.ImageToText, true)]
    [InlineData(HingeReduction.Hardest, RankingDirection.TextToImage, false)]
    [InlineData(HingeReduction.Sum, RankingDirection.ImageToText, true)]
    public void Random_batches_match_the_loop_reference(HingeReduction reduction, RankingDirection direction, bool withLabels)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var image = randn(9, 5, dtype: ScalarType.Float64, generator: generator);
        var text = randn(9, 5, dtype: ScalarType.Float64, generator: generator);
        var labels = randint(0, 3, new long[] { 9 }, generator: generator);
        var loss = new CommonSpaceLoss(new() { Margin = 0.3, Reduction = reduction, Direction = direction });

        var actual = Value(loss, image, text, withLabels ? labels : null);

        actual.Should().BeApproximately(Reference(Rows(image), Rows(text), 0.3, reduction, direction, withLabels ? labels.data<long>().ToArray() : null), 1e-12);
        actual.Should().BeGreaterThan(0, "the case must exercise the hinge");
    }

    [Theory]
    [InlineData("vse_sum")]
    [InlineData("vse_hardest")]
    [InlineData("vse_sum_margin05")]
    [InlineData("class_aware_sum")]
    [InlineData("class_aware_hardest")]
    [InlineData("class_aware_mean")]
    [InlineData("mean")]
    [InlineData("image_to_text_class_aware")]
    [InlineData("text_to_image")]
    public void Matches_the_PyTorch_VSEpp_fixture(string name)
    {
        using var scope = NewDisposeScope();
        var @case = Fixture.Load("objectives.json").Case(name);
        var image = Fixture.Tensor(@case, "image").requires_grad_(true);
        var text = Fixture.Tensor(@case, "text").requires_grad_(true);
        var loss = new CommonSpaceLoss(new()
        {
            Margin = Fixture.Number(@case, "margin"),
            Reduction = Enum.Parse<HingeReduction>(@case.GetProperty("reduction").GetString()!),
            Direction = Enum.Parse<RankingDirection>(@case.GetProperty("direction").GetString()!),
        });

        var value = @case.TryGetProperty("labels", out _) ? loss.forward(image, text, Fixture.Tensor(@case, "labels")) : loss.forward(image, text);
        value.backward();

        value.item<double>().Should().BeApproximately(Fixture.Tensor(@case, "loss").item<double>(), 1e-10);
        (image.grad! - Fixture.Tensor(@case, "grad_image")).abs().max().item<double>().Should().BeLessThan(1e-10);
        (text.grad! - Fixture.Tensor(@case, "grad_text")).abs().max().item<double>().Should().BeLessThan(1e-10);
    }

    [Theory]
    [InlineData(HingeReduction.Sum, false, true)]
    [InlineData(HingeReduction.Mean, true, true)]
    [InlineData(HingeReduction.Hardest, true, true)]
    [InlineData(HingeReduction.Sum, true, false)]
    public void Gradients_match_finite_differences(HingeReduction reduction, bool withLabels, bool normalize)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var image = randn(5, 3, dtype: ScalarType.Float64, generator: generator);
        var text = randn(5, 3, dtype: ScalarType.Float64, generator: generator);
        var labels = tensor(new long[] { 0, 1, 0, 2, 1 });
        var loss = new CommonSpaceLoss(new() { Margin = 0.5, Reduction = reduction, Normalize = normalize });

        GradientCheck.Assert(
            inputs => withLabels ? loss.forward(inputs[0], inputs[1], labels) : loss.forward(inputs[0], inputs[1]),
            new[] { image, text });
    }

    [Theory]
    [InlineData(HingeReduction.Sum)]
    [InlineData(HingeReduction.Mean)]
    [InlineData(HingeReduction.Hardest)]
    public void Batch_permutation_leaves_the_loss_unchanged_and_permutes_the_gradients(HingeReduction reduction)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var image = randn(8, 4, dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        var text = randn(8, 4, dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 });
        var permutation = tensor(new long[] { 5, 2, 7, 0, 3, 6, 1, 4 });
        var image2 = image.detach().index_select(0, permutation).requires_grad_(true);
        var text2 = text.detach().index_select(0, permutation).requires_grad_(true);
        var loss = new CommonSpaceLoss(new() { Margin = 0.4, Reduction = reduction });

        var original = loss.forward(image, text, labels);
        var permuted = loss.forward(image2, text2, labels.index_select(0, permutation));
        original.backward();
        permuted.backward();

        permuted.item<double>().Should().BeApproximately(original.item<double>(), 1e-12);
        (image2.grad! - image.grad!.index_select(0, permutation)).abs().max().item<double>().Should().BeLessThan(1e-12);
        (text2.grad! - text.grad!.index_select(0, permutation)).abs().max().item<double>().Should().BeLessThan(1e-12);
    }

    [Fact]
    public void A_single_post_has_no_negatives_and_gives_zero_with_a_gradient_path()
    {
        using var scope = NewDisposeScope();
        var image = randn(1, 4).requires_grad_(true);
        var text = randn(1, 4).requires_grad_(true);

        var value = new CommonSpaceLoss().forward(image, text);
        value.backward();

        value.item<float>().Should().Be(0f);
        image.grad!.abs().sum().item<float>().Should().Be(0f);
        text.grad!.abs().sum().item<float>().Should().Be(0f);
    }

    [Theory]
    [InlineData(HingeReduction.Sum)]
    [InlineData(HingeReduction.Mean)]
    [InlineData(HingeReduction.Hardest)]
    public void All_one_label_leaves_no_class_aware_negative_and_gives_zero(HingeReduction reduction)
    {
        using var scope = NewDisposeScope();
        var image = randn(6, 4).requires_grad_(true);
        var text = randn(6, 4).requires_grad_(true);
        var loss = new CommonSpaceLoss(new() { Margin = 2.0, Reduction = reduction });

        var value = loss.forward(image, text, full(6, 3L));
        value.backward();

        value.item<float>().Should().Be(0f);
        image.grad!.abs().sum().item<float>().Should().Be(0f);
        loss.forward(image, text).item<float>().Should().BeGreaterThan(0f, "without labels every other post is a negative");
    }

    [Theory]
    [InlineData(HingeReduction.Sum, 2 * 3 * 0.2)]
    [InlineData(HingeReduction.Mean, 2 * 0.2)]
    [InlineData(HingeReduction.Hardest, 2 * 0.2)]
    public void Duplicate_embeddings_violate_every_margin_exactly(HingeReduction reduction, double expected)
    {
        // All scores equal, so every hinge is α: per anchor (B − 1)·α summed (or α), two directions.
        using var scope = NewDisposeScope();
        var row = tensor(new[] { 0.3, -1.0, 2.0 });
        var image = row.expand(4, 3).contiguous();
        var text = (row * 5).expand(4, 3).contiguous();

        Value(new CommonSpaceLoss(new() { Reduction = reduction }), image, text).Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Zero_vectors_give_a_finite_loss_and_finite_gradients()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new float[,] { { 0, 0, 0 }, { 1, 2, 3 }, { -1, 0, 1 } }).requires_grad_(true);
        var text = tensor(new float[,] { { 1, 1, 1 }, { 0, 0, 0 }, { 2, 0, 1 } }).requires_grad_(true);

        var value = new CommonSpaceLoss().forward(image, text);
        value.backward();

        float.IsFinite(value.item<float>()).Should().BeTrue();
        isfinite(image.grad!).all().item<bool>().Should().BeTrue();
        isfinite(text.grad!).all().item<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData(ScalarType.Float32, true)]
    [InlineData(ScalarType.Float32, false)]
    [InlineData(ScalarType.BFloat16, true)]
    [InlineData(ScalarType.BFloat16, false)]
    public void Large_inputs_give_a_finite_loss_and_gradients(ScalarType dtype, bool normalize)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var image = (sign(randn(6, 8, generator: generator)) * 1e4).to(dtype).requires_grad_(true);
        var text = (sign(randn(6, 8, generator: generator)) * 1e4).to(dtype).requires_grad_(true);

        var value = new CommonSpaceLoss(new() { Normalize = normalize }).forward(image, text, tensor(new long[] { 0, 1, 0, 1, 2, 2 }));
        value.backward();

        value.dtype.Should().Be(dtype);
        isfinite(value).item<bool>().Should().BeTrue();
        value.to(ScalarType.Float32).item<float>().Should().BeGreaterThan(0f);
        isfinite(image.grad!).all().item<bool>().Should().BeTrue();
        isfinite(text.grad!).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Bfloat16_agrees_with_float32()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        var image = randn(6, 8, generator: generator);
        var text = randn(6, 8, generator: generator);
        var loss = new CommonSpaceLoss();

        var reference = loss.forward(image, text).item<float>();
        var reduced = loss.forward(image.to(ScalarType.BFloat16), text.to(ScalarType.BFloat16)).to(ScalarType.Float32).item<float>();

        reduced.Should().BeApproximately(reference, 0.02f * Math.Max(1f, reference));
    }

    [Fact]
    public void Bad_inputs_are_rejected_naming_the_argument()
    {
        var loss = new CommonSpaceLoss();
        using var scope = NewDisposeScope();
        var good = randn(4, 3);

        Param(() => loss.forward(randn(4), good)).Should().Be("image");
        Param(() => loss.forward(good, randn(4, 2))).Should().Be("text");
        Param(() => loss.forward(good, randn(4, 3, dtype: ScalarType.Float64))).Should().Be("text");
        Param(() => loss.forward(ones(4, 3, dtype: ScalarType.Int32), good)).Should().Be("image");
        Param(() => loss.forward(empty(0, 3), empty(0, 3))).Should().Be("image");
        Param(() => loss.forward(good, good.clone().index_fill_(0, tensor(new long[] { 1 }), float.NaN))).Should().Be("text");
        Param(() => loss.forward(good.clone().index_fill_(0, tensor(new long[] { 2 }), float.PositiveInfinity), good)).Should().Be("image");
        Param(() => loss.forward(good, good, tensor(new float[] { 0, 1, 0, 1 }))).Should().Be("labels");
        Param(() => loss.forward(good, good, tensor(new long[] { 0, 1, 0 }))).Should().Be("labels");
        Param(() => loss.forward(good, good, tensor(new long[] { 0, -1, 0, 1 }))).Should().Be("labels");
        Param(() => loss.forward(null!, good)).Should().Be("image");
    }

    [Fact]
    public void Bad_options_are_rejected_naming_the_option()
    {
        OptionParam(new() { Margin = -0.1 }).Should().Be("Margin");
        OptionParam(new() { Margin = double.NaN }).Should().Be("Margin");
        OptionParam(new() { Reduction = (HingeReduction)7 }).Should().Be("Reduction");
        OptionParam(new() { Direction = (RankingDirection)(-1) }).Should().Be("Direction");
        new CommonSpaceLoss(new() { Margin = 0 }).Should().NotBeNull("a zero margin is allowed");
    }

    [Fact]
    public void Repeated_training_steps_leave_no_tensors_alive()
    {
        var generator = new Generator(1);
        var image = randn(8, 16, generator: generator).requires_grad_(true);
        var text = randn(8, 16, generator: generator).requires_grad_(true);
        var labels = tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 });
        var loss = new CommonSpaceLoss(new() { Reduction = HingeReduction.Hardest });

        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            image.grad?.zero_();
            text.grad?.zero_();
            loss.forward(image, text, labels).backward();
        });

        image.Dispose();
        text.Dispose();
        labels.Dispose();
        loss.Dispose();
    }

    private static string? Param(Func<Tensor> act)
    {
        var exception = act.Should().Throw<ArgumentException>().Which;
        exception.Message.Should().NotBeNullOrWhiteSpace();
        return exception.ParamName;
    }

    private static string? OptionParam(CommonSpaceLossOptions options) =>
        FluentActions.Invoking(() => new CommonSpaceLoss(options)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName;
}
