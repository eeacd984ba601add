using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training.Metrics;

public sealed class ClassificationMetricsTests
{
    private const double Tol = 1e-12;

    // y_true = [0,0,1,1,2,2], y_pred = [0,1,1,1,0,2]; confusion rows (true) = [1,1,0], [0,2,0], [1,0,1].
    private static readonly int[] HandTrue = [0, 0, 1, 1, 2, 2];
    private static readonly int[] HandPred = [0, 1, 1, 1, 0, 2];

    [Fact]
    public void Hand_computed_three_classes()
    {
        var m = ClassificationMetrics.Compute(HandPred, HandTrue, 3);

        // tp = [1,2,1], predicted = [2,3,1], support = [2,2,2].
        m.Count.Should().Be(6);
        m.Accuracy.Should().BeApproximately(4.0 / 6, Tol);
        m.Precision.Should().Equal([1.0 / 2, 2.0 / 3, 1.0], (a, b) => Math.Abs(a - b) < Tol);
        m.Recall.Should().Equal([1.0 / 2, 1.0, 1.0 / 2], (a, b) => Math.Abs(a - b) < Tol);
        double[] f1 = [0.5, 2 * (2.0 / 3) / (5.0 / 3), 2 * 0.5 / 1.5];
        m.F1.Should().Equal(f1, (a, b) => Math.Abs(a - b) < Tol);
        m.Support.Should().Equal(2L, 2L, 2L);
        m.PredictedCount.Should().Equal(2L, 3L, 1L);
        m.MacroF1.Should().BeApproximately(f1.Average(), Tol);
        m.WeightedF1.Should().BeApproximately(f1.Average(), Tol); // equal supports
        m.MacroPrecision.Should().BeApproximately((0.5 + 2.0 / 3 + 1) / 3, Tol);
        m.MicroPrecision.Should().BeApproximately(4.0 / 6, Tol);
        m.MicroRecall.Should().BeApproximately(4.0 / 6, Tol);
        m.MicroF1.Should().BeApproximately(4.0 / 6, Tol);
        m.GetConfusionMatrix().Should().BeEquivalentTo(new long[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 1, 0, 1 } });
        m.Confusion(2, 0).Should().Be(1);
        m.Confusion(0, 2).Should().Be(0);
    }

    [Fact]
    public void Absent_class_counts_in_macro_with_zero_division()
    {
        // Class 3 is in neither y_true nor y_pred: P = R = F1 = zeroDivision, and it dilutes the macro average.
        var m0 = ClassificationMetrics.Compute(HandPred, HandTrue, 4);
        double[] f1 = [0.5, 0.8, 2.0 / 3, 0];
        m0.F1.Should().Equal(f1, (a, b) => Math.Abs(a - b) < Tol);
        m0.MacroF1.Should().BeApproximately(f1.Sum() / 4, Tol);
        m0.WeightedF1.Should().BeApproximately((0.5 + 0.8 + 2.0 / 3) / 3, Tol); // support 0 has no weight
        m0.Support[3].Should().Be(0);

        var m1 = ClassificationMetrics.Compute(HandPred, HandTrue, 4, zeroDivision: 1);
        m1.Precision[3].Should().Be(1);
        m1.Recall[3].Should().Be(1);
        m1.F1[3].Should().Be(1);
        m1.MacroF1.Should().BeApproximately((0.5 + 0.8 + 2.0 / 3 + 1) / 4, Tol);
    }

    [Fact]
    public void Imbalanced_all_predicted_majority()
    {
        // y_true = [0,0,0,1], all predicted 0: P0 = 3/4, R0 = 1, F0 = 6/7; class 1 never predicted -> P1 = zd, R1 = 0, F1 = 0.
        int[] t = [0, 0, 0, 1];
        int[] p = [0, 0, 0, 0];
        var m = ClassificationMetrics.Compute(p, t, 2);
        m.Accuracy.Should().BeApproximately(0.75, Tol);
        m.F1[0].Should().BeApproximately(6.0 / 7, Tol);
        m.F1[1].Should().Be(0);
        m.Precision[1].Should().Be(0);
        m.MacroF1.Should().BeApproximately(3.0 / 7, Tol);
        m.WeightedF1.Should().BeApproximately(0.75 * 6.0 / 7, Tol);
        m.WeightedRecall.Should().BeApproximately(m.Accuracy, Tol);

        var m1 = ClassificationMetrics.Compute(p, t, 2, zeroDivision: 1);
        m1.Precision[1].Should().Be(1);
        m1.Recall[1].Should().Be(0);
        m1.F1[1].Should().Be(0); // sklearn: 2·1·0 / (1 + 0) = 0
        m1.MacroPrecision.Should().BeApproximately((0.75 + 1) / 2, Tol);
    }

    [Fact]
    public void Perfect_predictions_score_one_and_single_class_works()
    {
        var m = ClassificationMetrics.Compute([2, 0, 1, 1], [2, 0, 1, 1], 3);
        m.Accuracy.Should().Be(1);
        m.MacroF1.Should().Be(1);
        m.WeightedF1.Should().Be(1);

        var single = ClassificationMetrics.Compute([0, 0], [0, 0], 1);
        single.MacroF1.Should().Be(1);
        single.GetConfusionMatrix().Should().BeEquivalentTo(new long[,] { { 2 } });
    }

    public static IEnumerable<object[]> Cases() => MetricsFixture.CaseNames();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_sklearn(string name)
    {
        var c = MetricsFixture.Get(name);
        var m = ClassificationMetrics.Compute(c.YPred, c.YTrue, c.NumClasses, c.ZeroDivision);
        AssertMatches(m, c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_sklearn_from_tensors_and_confusion_matrix(string name)
    {
        var c = MetricsFixture.Get(name);
        using var scope = NewDisposeScope();
        var fromTensors = ClassificationMetrics.Compute(
            tensor(c.YPred.Select(v => (long)v).ToArray()), tensor(c.YTrue.Select(v => (long)v).ToArray()), c.NumClasses, c.ZeroDivision);
        AssertMatches(fromTensors, c);
        AssertMatches(ClassificationMetrics.FromConfusionMatrix(c.Confusion, c.ZeroDivision), c);
        // int32 tensors are accepted too.
        AssertMatches(ClassificationMetrics.Compute(tensor(c.YPred), tensor(c.YTrue), c.NumClasses, c.ZeroDivision), c);
    }

    [Fact]
    public void Fixture_covers_the_edge_cases()
    {
        var cases = MetricsFixture.Cases;
        cases.Should().HaveCountGreaterThanOrEqualTo(10);
        cases.Should().Contain(c => c.Support.Any(s => s == 0) && Enumerable.Range(0, c.NumClasses).Any(k => c.Support[k] == 0 && Column(c, k) == 0));
        cases.Should().Contain(c => c.YPred.Distinct().Count() == 1);
        cases.Should().Contain(c => c.ZeroDivision == 1);
    }

    [Fact]
    public void Confusion_tensor_and_markdown()
    {
        var m = ClassificationMetrics.Compute(HandPred, HandTrue, 3);
        using (var scope = NewDisposeScope())
        {
            var t = m.ConfusionMatrixTensor();
            t.shape.Should().Equal(3L, 3L);
            t.dtype.Should().Be(ScalarType.Int64);
            t[2, 0].item<long>().Should().Be(1);
            t[0, 1].item<long>().Should().Be(1);
        }

        var md = m.ToMarkdown(["neg", "neu", "pos|x"], digits: 3);
        md.Should().StartWith("| class | precision | recall | f1 | support |\n|---|---:|---:|---:|---:|\n");
        md.Should().Contain("| neg | 0.500 | 0.500 | 0.500 | 2 |");
        md.Should().Contain("| neu | 0.667 | 1.000 | 0.800 | 2 |");
        md.Should().Contain("| pos\\|x | 1.000 | 0.500 | 0.667 | 2 |");
        md.Should().Contain("| accuracy | | | 0.667 | 6 |");
        md.Should().Contain("| macro avg |").And.Contain("| weighted avg |").And.Contain("| micro avg |");

        var cm = m.ConfusionMatrixToMarkdown();
        cm.Should().Be("| true \\ predicted | 0 | 1 | 2 |\n|---|---:|---:|---:|\n| 0 | 1 | 1 | 0 |\n| 1 | 0 | 2 | 0 |\n| 2 | 1 | 0 | 1 |\n");
        m.ToString().Should().Be("N=6 C=3 accuracy=0.6667 macroF1=0.6556 weightedF1=0.6556 microF1=0.6667");
    }

    [Fact]
    public void Confusion_matrix_copy_is_independent()
    {
        var m = ClassificationMetrics.Compute(HandPred, HandTrue, 3);
        var copy = m.GetConfusionMatrix();
        copy[0, 0] = 100;
        m.Confusion(0, 0).Should().Be(1);

        var source = new long[,] { { 1, 0 }, { 0, 1 } };
        var fromMatrix = ClassificationMetrics.FromConfusionMatrix(source);
        source[0, 1] = 5;
        fromMatrix.Confusion(0, 1).Should().Be(0);
    }

    [Fact]
    public void Bad_inputs_throw_naming_the_argument()
    {
        Invoking(() => ClassificationMetrics.Compute([], [], 3)).Should().Throw<ArgumentException>().WithParameterName("targets");
        Invoking(() => ClassificationMetrics.Compute([0, 1], [0], 3)).Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*2*1*");
        Invoking(() => ClassificationMetrics.Compute([0, 3], [0, 1], 3)).Should().Throw<ArgumentException>().WithParameterName("predictions").WithMessage("*predictions[1] = 3*");
        Invoking(() => ClassificationMetrics.Compute([0, 1], [-1, 1], 3)).Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*targets[0] = -1*");
        Invoking(() => ClassificationMetrics.Compute([0], [0], 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("numClasses");
        Invoking(() => ClassificationMetrics.Compute([0], [0], 2, zeroDivision: 0.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("zeroDivision");
        Invoking(() => ClassificationMetrics.FromConfusionMatrix(new long[2, 3])).Should().Throw<ArgumentException>().WithParameterName("confusionMatrix");
        Invoking(() => ClassificationMetrics.FromConfusionMatrix(new long[2, 2])).Should().Throw<ArgumentException>().WithParameterName("confusionMatrix");
        Invoking(() => ClassificationMetrics.FromConfusionMatrix(new long[,] { { 1, -1 }, { 0, 0 } })).Should().Throw<ArgumentException>().WithParameterName("confusionMatrix");
        var m = ClassificationMetrics.Compute([0], [0], 2);
        Invoking(() => m.ToMarkdown(["only one"])).Should().Throw<ArgumentException>().WithParameterName("classNames");
        Invoking(() => m.Confusion(2, 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Bad_tensor_inputs_throw_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        var ok = tensor(new long[] { 0, 1 });
        Invoking(() => ClassificationMetrics.Compute(tensor(new float[] { 0, 1 }), ok, 2)).Should().Throw<ArgumentException>().WithParameterName("predictions").WithMessage("*integer*");
        Invoking(() => ClassificationMetrics.Compute(ok, zeros(2, 1, dtype: ScalarType.Int64), 2)).Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*1-D*");
        Invoking(() => ClassificationMetrics.Compute(ok, zeros(0, dtype: ScalarType.Int64), 2)).Should().Throw<ArgumentException>().WithParameterName("targets");
        Invoking(() => ClassificationMetrics.Compute(ok, tensor(new long[] { 0, 1, 1 }), 2)).Should().Throw<ArgumentException>().WithParameterName("targets");
        Invoking(() => ClassificationMetrics.Compute(ok, tensor(new long[] { 0, 2 }), 2)).Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*targets[1] = 2*");
    }

    internal static void AssertMatches(ClassificationMetrics m, MetricsCase c)
    {
        m.NumClasses.Should().Be(c.NumClasses);
        m.Count.Should().Be(c.YTrue.Length);
        m.Accuracy.Should().BeApproximately(c.Accuracy, Tol, c.Name);
        m.GetConfusionMatrix().Should().BeEquivalentTo(c.Confusion, c.Name);
        Close(m.Precision, c.Precision, c.Name + " precision");
        Close(m.Recall, c.Recall, c.Name + " recall");
        Close(m.F1, c.F1, c.Name + " f1");
        Close(m.Support.Select(v => (double)v).ToArray(), c.Support, c.Name + " support");
        Close([m.MacroPrecision, m.MacroRecall, m.MacroF1], c.Macro, c.Name + " macro");
        Close([m.WeightedPrecision, m.WeightedRecall, m.WeightedF1], c.Weighted, c.Name + " weighted");
        Close([m.MicroPrecision, m.MicroRecall, m.MicroF1], c.Micro, c.Name + " micro");
    }

    private static void Close(IReadOnlyList<double> actual, double[] expected, string what)
    {
        actual.Should().HaveCount(expected.Length, what);
        for (var i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], Tol, $"{what}[{i}]");
        }
    }

    private static long Column(MetricsCase c, int k) => Enumerable.Range(0, c.NumClasses).Sum(r => c.Confusion[r, k]);

    private static Func<object> Invoking(Func<object> f) => f;
}
