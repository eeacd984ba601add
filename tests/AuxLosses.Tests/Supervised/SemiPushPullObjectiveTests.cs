using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using static AuxLosses.Tests.Supervised.SupConTestData;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Supervised;

public sealed class SemiPushPullObjectiveTests
{
    private static readonly Fixture Data = Fixture.Load("supervised.json");
    private static readonly string[] ParameterNames =
        { "image.weight", "image.bias", "text.weight", "text.bias", "classifier.weight", "classifier.bias" };

    /// <summary>generate_supervised.py's Tiny model: two linear projections (d = 3) and a classifier on their concatenation.</summary>
    private sealed class TinyModel : IDisposable
    {
        public readonly Linear Image = nn.Linear(4, 3, dtype: ScalarType.Float64);
        public readonly Linear Text = nn.Linear(5, 3, dtype: ScalarType.Float64);
        public readonly Linear Classifier = nn.Linear(6, 3, dtype: ScalarType.Float64);

        public Parameter[] Parameters => new[] { Image.weight!, Image.bias!, Text.weight!, Text.bias!, Classifier.weight!, Classifier.bias! };

        public SemiPushPullBatch Forward(Tensor xImage, Tensor xText)
        {
            var image = Image.forward(xImage);
            var text = Text.forward(xText);
            return new SemiPushPullBatch(Classifier.forward(cat(new[] { image, text }, 1)), image, text);
        }

        public void Load(JsonElement c, string prefix)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var (parameter, name) in Parameters.Zip(ParameterNames))
            {
                parameter.copy_(Fixture.Tensor(c, $"{prefix}.{name}"));
            }
        }

        public double[][] Snapshot() => Parameters.Select(p => p.data<double>().ToArray()).ToArray();

        public void Dispose()
        {
            Image.Dispose();
            Text.Dispose();
            Classifier.Dispose();
        }
    }

    private static double MaxDifference(double[][] a, double[][] b) =>
        a.Zip(b).SelectMany(p => p.First.Zip(p.Second, (x, y) => Math.Abs(x - y))).Max();

    private static double[][] Expected(JsonElement c, string prefix)
    {
        using var scope = NewDisposeScope();
        return ParameterNames.Select(n => Fixture.Tensor(c, $"{prefix}.{n}").data<double>().ToArray()).ToArray();
    }

    [Theory]
    [InlineData("two_step_run")]
    [InlineData("two_step_skip")]
    public void TrainStep_reproduces_the_two_step_loop_of_train_py(string name)
    {
        var c = Data.Case(name);
        using var model = new TinyModel();
        model.Load(c, "init");
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Variant = SupConVariant.SppSclReference });
        using var optimizer = optim.SGD(model.Parameters, 0.1);
        using var xImage = Fixture.Tensor(c, "x_img");
        using var xText = Fixture.Tensor(c, "x_txt");
        using var labels = Fixture.Tensor(c, "labels");
        var calls = 0;
        double[][]? afterStep1 = null;
        var initial = model.Snapshot();

        var result = objective.TrainStep(optimizer, () =>
        {
            if (++calls == 2)
            {
                afterStep1 = model.Snapshot();
            }

            return model.Forward(xImage, xText);
        }, labels);

        calls.Should().Be(2, "step 2 needs a fresh forward pass");
        var skip = c.GetProperty("skip").GetBoolean();
        result.Step2Ran.Should().Be(!skip);
        result.Step1Loss.Should().BeApproximately(SupervisedFixtureTests.Scalar(c, "loss1"), 1e-9);
        (5 * result.CrossEntropy).Should().BeApproximately(SupervisedFixtureTests.Scalar(c, "ce"), 1e-9);
        result.ImageContrastive.Should().BeApproximately(SupervisedFixtureTests.Scalar(c, "l_img"), 1e-9);
        result.TextContrastive.Should().BeApproximately(SupervisedFixtureTests.Scalar(c, "l_txt"), 1e-9);
        result.Count.Should().Be((long)Fixture.Number(c, "count"));
        result.Threshold.Should().Be(c.GetProperty("threshold").GetInt64());
        result.Alignment.Pairs.Should().Be((long)Fixture.Number(c, "pairs"));
        result.InterModal.Should().BeApproximately(Fixture.Number(c, "l_inter"), 1e-9);

        MaxDifference(afterStep1!, Expected(c, "after1")).Should().BeLessThan(1e-9);
        MaxDifference(model.Snapshot(), Expected(c, "final")).Should().BeLessThan(1e-9);
        MaxDifference(afterStep1!, initial).Should().BeGreaterThan(1e-4, "step 1 always updates the parameters");
        if (skip)
        {
            MaxDifference(model.Snapshot(), afterStep1!).Should().Be(0, "no second optimizer step when the condition holds");
            result.Total.Should().Be(result.Step1Loss);
        }
        else
        {
            MaxDifference(model.Snapshot(), afterStep1!).Should().BeGreaterThan(1e-4, "the second optimizer step updates the parameters again");
            result.Total.Should().BeApproximately(result.Step1Loss + result.InterModal, 1e-12);
        }
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(100.0, true)]
    public void Alpha_moves_the_threshold(double alpha, bool step2Runs)
    {
        using var scope = NewDisposeScope();
        using var model = new TinyModel();
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = alpha });
        using var optimizer = optim.SGD(model.Parameters, 0.05);
        var xImage = randn(6, 4, dtype: ScalarType.Float64);
        var xText = randn(6, 5, dtype: ScalarType.Float64);
        var labels = Labels(0, 1, 2, 0, 1, 2);
        double[][]? afterStep1 = null;
        var calls = 0;
        var result = objective.TrainStep(optimizer, () =>
        {
            if (++calls == 2)
            {
                afterStep1 = model.Snapshot();
            }

            return model.Forward(xImage, xText);
        }, labels);
        result.Step2Ran.Should().Be(step2Runs);
        result.Threshold.Should().Be((long)Math.Truncate(12 * alpha));
        (MaxDifference(model.Snapshot(), afterStep1!) > 0).Should().Be(step2Runs);
    }

    [Fact]
    public void Condition_holds_when_the_count_reaches_the_threshold_exactly()
    {
        // T·Iᵀ = M with I = identity. Labels 0,0,1 → P = 2² + 1² = 5, threshold int(5·2/3) = 3.
        // diag(M) = 1 → dig = sigmoid(1); off-diagonal 0 → sigmoid 0.5 < dig (counted), 2 → not counted.
        using var scope = NewDisposeScope();
        using var objective = new SemiPushPullObjective();
        var identity = eye(3, dtype: ScalarType.Float64);
        var labels = Labels(0, 0, 1);
        var atThreshold = Matrix(new[] { new[] { 1.0, 2, 0 }, new[] { 0.0, 1, 2 }, new[] { 2.0, 0, 1 } });
        var check = objective.CheckAlignment(atThreshold, identity, labels);
        check.Should().Be(new SemiPushPullAlignmentCheck(3, 5, 3, 1 / (1 + Math.Exp(-1))));
        check.Skip.Should().BeTrue();
        var oneBelow = Matrix(new[] { new[] { 1.0, 2, 2 }, new[] { 0.0, 1, 2 }, new[] { 2.0, 0, 1 } });
        var below = objective.CheckAlignment(oneBelow, identity, labels);
        below.Count.Should().Be(2);
        below.Skip.Should().BeFalse();
        // The diagonal itself is never below its own mean when all diagonal entries are equal, and the
        // comparison is strict: an off-diagonal entry equal to the diagonal is not counted.
        var equal = Matrix(new[] { new[] { 1.0, 1, 1 }, new[] { 1.0, 1, 1 }, new[] { 1.0, 1, 1 } });
        objective.CheckAlignment(equal, identity, labels).Count.Should().Be(0);
        // α = 1 raises the threshold to P itself.
        using var alphaOne = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = 1 });
        alphaOne.CheckAlignment(atThreshold, identity, labels).Threshold.Should().Be(5);
    }

    [Fact]
    public void Step_losses_compose_as_in_the_paper()
    {
        using var scope = NewDisposeScope();
        var logits = randn(5, 3, dtype: ScalarType.Float64);
        var image = randn(5, 4, dtype: ScalarType.Float64);
        var text = randn(5, 4, dtype: ScalarType.Float64);
        var labels = Labels(0, 1, 2, 0, 1);
        var batch = new SemiPushPullBatch(logits, image, text);
        using var objective = new SemiPushPullObjective();
        using var intra = new SupervisedContrastiveLoss();
        using var inter = new CrossModalSupervisedContrastiveLoss();
        // CE written out: −mean_i log softmax(logits_i)[y_i].
        var logSoftmax = logits.log_softmax(1).data<double>().ToArray();
        var y = new long[] { 0, 1, 2, 0, 1 };
        var crossEntropy = -Enumerable.Range(0, 5).Average(i => logSoftmax[(i * 3) + y[i]]);
        var step1 = (5 * crossEntropy) + intra.forward(image, labels).item<double>() + intra.forward(text, labels).item<double>();
        objective.Step1Loss(batch, labels).item<double>().Should().BeApproximately(step1, 1e-12);
        // L_inter: text anchors, image candidates.
        var lInter = inter.forward(text, image, labels).item<double>();
        objective.Step2Loss(batch, labels).item<double>().Should().BeApproximately(lInter, 1e-12);
        inter.forward(image, text, labels).item<double>().Should().NotBeApproximately(lInter, 1e-6);
        objective.OneStepLoss(batch, labels).item<double>().Should().BeApproximately(step1 + lInter, 1e-12);

        using var weighted = new SemiPushPullObjective(new SemiPushPullOptions { CrossEntropyWeight = 1, IntraModalWeight = 0.5, InterModalWeight = 2 });
        weighted.OneStepLoss(batch, labels).item<double>().Should().BeApproximately(crossEntropy + (0.5 * (step1 - (5 * crossEntropy))) + (2 * lInter), 1e-12);
        // Separate aligned features feed the condition and L_inter only.
        var alignedImage = randn(5, 2, dtype: ScalarType.Float64);
        var alignedText = randn(5, 2, dtype: ScalarType.Float64);
        var split = new SemiPushPullBatch(logits, image, text, alignedImage, alignedText);
        objective.Step1Loss(split, labels).item<double>().Should().BeApproximately(step1, 1e-12);
        objective.Step2Loss(split, labels).item<double>().Should().BeApproximately(inter.forward(alignedText, alignedImage, labels).item<double>(), 1e-12);
    }

    [Fact]
    public void One_step_loss_gradients_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Temperature = 0.5, SymmetricInterModal = true });
        var labels = Labels(0, 1, 2, 0);
        GradientCheck.Assert(
            x => objective.OneStepLoss(new SemiPushPullBatch(x[0], x[1], x[2]), labels),
            new[] { randn(4, 3, dtype: ScalarType.Float64), randn(4, 3, dtype: ScalarType.Float64), randn(4, 3, dtype: ScalarType.Float64) });
    }

    [Fact]
    public void Half_precision_inputs_with_large_values_stay_finite()
    {
        using var scope = NewDisposeScope();
        using var objective = new SemiPushPullObjective();
        var logits = (randn(4, 3).sign() * 1e4).to(ScalarType.BFloat16).requires_grad_(true);
        var image = (randn(4, 8) * 1e4).to(ScalarType.BFloat16).requires_grad_(true);
        var text = (randn(4, 8) * -1e4).to(ScalarType.BFloat16).requires_grad_(true);
        var labels = Labels(0, 1, 2, 1);
        var batch = new SemiPushPullBatch(logits, image, text);
        var loss = objective.OneStepLoss(batch, labels);
        AssertFinite(loss, "loss");
        loss.backward();
        AssertFinite(logits.grad!, "logits grad");
        AssertFinite(image.grad!, "image grad");
        AssertFinite(text.grad!, "text grad");
        var check = objective.CheckAlignment(text, image, labels);
        check.Pairs.Should().Be(6);
    }

    [Fact]
    public void Bad_inputs_throw_argument_exceptions_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        using var objective = new SemiPushPullObjective();
        var labels = Labels(0, 1, 2, 1);
        var good = new SemiPushPullBatch(randn(4, 3), randn(4, 2), randn(4, 2));
        Action outOfRange = () => objective.Step1Loss(good, Labels(0, 1, 3, 1));
        outOfRange.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "labels" && e.Message.Contains("below the number of classes (3)"));
        Action rows = () => objective.Step1Loss(new SemiPushPullBatch(randn(4, 3), randn(5, 2), randn(4, 2)), labels);
        rows.Should().Throw<ArgumentException>().Where(e => e.ParamName == "batch.ImageFeatures");
        var nan = randn(4, 3);
        nan[1, 1] = tensor(float.NaN);
        Action nanLogits = () => objective.Step1Loss(new SemiPushPullBatch(nan, randn(4, 2), randn(4, 2)), labels);
        nanLogits.Should().Throw<ArgumentException>().Where(e => e.ParamName == "batch.Logits");
        Action aligned = () => objective.CheckAlignment(randn(4, 2), randn(4, 3), labels);
        aligned.Should().Throw<ArgumentException>().Where(e => e.ParamName == "alignedImage");
        Action labelLength = () => objective.CheckAlignment(randn(4, 2), randn(4, 2), Labels(0, 1));
        labelLength.Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        Action step2 = () => objective.Step2Loss(new SemiPushPullBatch(randn(4, 3), randn(4, 2), randn(4, 2, dtype: ScalarType.Float64)), labels);
        step2.Should().Throw<ArgumentException>().Where(e => e.ParamName == "candidates");
        Action nullBatch = () => objective.Step1Loss(null!, labels);
        nullBatch.Should().Throw<ArgumentNullException>();
        Action alpha = () => _ = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = -0.1 });
        alpha.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Alpha");
        Action weight = () => _ = new SemiPushPullObjective(new SemiPushPullOptions { CrossEntropyWeight = double.NaN });
        weight.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "CrossEntropyWeight");
        Action temperature = () => _ = new SemiPushPullObjective(new SemiPushPullOptions { Temperature = 0 });
        temperature.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Temperature");
    }

    [Theory]
    [InlineData(2.0 / 3.0)]
    [InlineData(100.0)]
    public void Repeated_train_steps_do_not_leak_tensors(double alpha)
    {
        using var model = new TinyModel();
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = alpha });
        using var optimizer = optim.SGD(model.Parameters, 0.01, momentum: 0.9);
        using var xImage = randn(6, 4, dtype: ScalarType.Float64);
        using var xText = randn(6, 5, dtype: ScalarType.Float64);
        using var labels = Labels(0, 1, 2, 0, 1, 2);
        var ran = new List<bool>();
        LeakCheck.AssertFlat(() => ran.Add(objective.TrainStep(optimizer, () => model.Forward(xImage, xText), labels).Step2Ran), steps: 60);
        if (alpha > 1)
        {
            ran.Should().OnlyContain(r => r, "with α = 100 the condition never holds");
        }
    }
}
