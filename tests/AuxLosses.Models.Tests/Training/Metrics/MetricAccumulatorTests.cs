using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training.Metrics;

public sealed class MetricAccumulatorTests
{
    [Fact]
    public void Logit_batches_equal_one_shot_computation()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        const int C = 5;
        var acc = new MetricAccumulator(C);
        var allPred = new List<int>();
        var allTrue = new List<int>();
        foreach (var b in new[] { 1, 7, 16, 3 })
        {
            var logits = randn([b, C], generator: gen);
            var targets = randint(0, C - 1, [b], generator: gen); // class 4 never a target
            acc.Add(logits, targets);
            allPred.AddRange(logits.argmax(1).data<long>().ToArray().Select(v => (int)v));
            allTrue.AddRange(targets.data<long>().ToArray().Select(v => (int)v));
        }

        acc.Count.Should().Be(27);
        var oneShot = ClassificationMetrics.Compute(allPred.ToArray(), allTrue.ToArray(), C);
        var accumulated = acc.Compute();
        accumulated.GetConfusionMatrix().Should().BeEquivalentTo(oneShot.GetConfusionMatrix());
        accumulated.MacroF1.Should().Be(oneShot.MacroF1);
        accumulated.WeightedF1.Should().Be(oneShot.WeightedF1);
        accumulated.Accuracy.Should().Be(oneShot.Accuracy);
        accumulated.F1.Should().Equal(oneShot.F1);
    }

    [Theory]
    [MemberData(nameof(ClassificationMetricsTests.Cases), MemberType = typeof(ClassificationMetricsTests))]
    public void Prediction_batches_match_sklearn(string name)
    {
        var c = MetricsFixture.Get(name);
        using var scope = NewDisposeScope();
        var acc = new MetricAccumulator(c.NumClasses);
        // Uneven split: spans and tensors (int64 and int32) mixed.
        var n = c.YTrue.Length;
        int a = n / 3, b = 2 * n / 3;
        if (a > 0)
        {
            acc.Add(c.YPred.AsSpan(0, a), c.YTrue.AsSpan(0, a));
        }

        if (b > a)
        {
            acc.Add(tensor(c.YPred[a..b].Select(v => (long)v).ToArray()), tensor(c.YTrue[a..b].Select(v => (long)v).ToArray()));
        }

        acc.Add(tensor(c.YPred[b..]), tensor(c.YTrue[b..]));
        ClassificationMetricsTests.AssertMatches(acc.Compute(c.ZeroDivision), c);
    }

    [Fact]
    public void Argmax_ties_go_to_the_lowest_index_and_probabilities_work()
    {
        using var scope = NewDisposeScope();
        var acc = new MetricAccumulator(3);
        acc.Add(tensor(new float[,] { { 1, 1, 0 }, { 0.1f, 0.2f, 0.7f } }), tensor(new long[] { 0, 2 }));
        acc.Add(tensor(new double[,] { { -1e4, 1e4, 0 } }), tensor(new long[] { 0 }));
        var m = acc.Compute();
        m.Confusion(0, 0).Should().Be(1);
        m.Confusion(2, 2).Should().Be(1);
        m.Confusion(0, 1).Should().Be(1);
        m.Accuracy.Should().BeApproximately(2.0 / 3, 1e-15);
    }

    [Fact]
    public void Bfloat16_logits_are_accepted()
    {
        using var scope = NewDisposeScope();
        var acc = new MetricAccumulator(2);
        acc.Add(tensor(new float[,] { { 0, 3 }, { 2, -1 } }).to(ScalarType.BFloat16), tensor(new long[] { 1, 1 }));
        acc.Compute().GetConfusionMatrix().Should().BeEquivalentTo(new long[,] { { 0, 0 }, { 1, 1 } });
    }

    [Fact]
    public void Reset_clears_and_compute_is_a_snapshot()
    {
        var acc = new MetricAccumulator(2);
        acc.Add([0, 1], [0, 0]);
        var before = acc.Compute();
        acc.Add([1], [1]);
        before.Count.Should().Be(2);
        acc.Compute().Count.Should().Be(3);
        acc.Reset();
        acc.Count.Should().Be(0);
        acc.Invoking(x => x.Compute()).Should().Throw<InvalidOperationException>();
        acc.Add([1], [1]);
        acc.Compute().Accuracy.Should().Be(1);
    }

    [Fact]
    public void Bad_inputs_throw_and_leave_the_state_unchanged()
    {
        using var scope = NewDisposeScope();
        var acc = new MetricAccumulator(3);
        acc.Add([0], [0]);
        var targets = tensor(new long[] { 0, 1 });
        acc.Invoking(x => x.Add(tensor(new float[,] { { 0, float.NaN, 0 }, { 0, 0, 1 } }), targets)).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*NaN*");
        acc.Invoking(x => x.Add(zeros(2, 4), targets)).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*[B, 3]*");
        acc.Invoking(x => x.Add(zeros(2), targets)).Should().Throw<ArgumentException>().WithParameterName("outputs");
        acc.Invoking(x => x.Add(zeros(2, 2, dtype: ScalarType.Int64), targets)).Should().Throw<ArgumentException>().WithParameterName("outputs");
        acc.Invoking(x => x.Add(zeros(3, 3), targets)).Should().Throw<ArgumentException>().WithParameterName("targets");
        acc.Invoking(x => x.Add(zeros(2, 3), tensor(new long[] { 0, 3 }))).Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*targets[1] = 3*outside*");
        acc.Invoking(x => x.Add(tensor(new long[] { -1, 0 }), targets)).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*outputs[0] = -1*");
        acc.Invoking(x => x.Add(zeros(2, 3), zeros(2))).Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*integer*");
        acc.Invoking(x => x.Add(zeros(0, 3), zeros(0, dtype: ScalarType.Int64))).Should().Throw<ArgumentException>().WithParameterName("targets");
        acc.Invoking(x => x.Add([0, 1], [0])).Should().Throw<ArgumentException>().WithParameterName("targets");
        acc.Invoking(x => x.Add([5], [0])).Should().Throw<ArgumentException>().WithParameterName("predictions");
        acc.Count.Should().Be(1);
        acc.Compute().GetConfusionMatrix().Should().BeEquivalentTo(new long[,] { { 1, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } });
        FluentActions.Invoking(() => new MetricAccumulator(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("numClasses");
    }

    [Fact]
    public void Tensor_inputs_leak_nothing()
    {
        using var outer = NewDisposeScope();
        var acc = new MetricAccumulator(4);
        var logits = randn(8, 4);
        var targets = randint(0, 4, [8]);
        var predictions = logits.argmax(1);
        acc.Add(logits, targets); // warm-up
        var before = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        for (var i = 0; i < 50; i++)
        {
            acc.Add(logits, targets);
            acc.Add(predictions, targets);
            _ = ClassificationMetrics.Compute(predictions, targets, 4);
        }

        (DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount).Should().Be(before);
        acc.Count.Should().Be(101 * 8);
    }
}
