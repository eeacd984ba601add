using System;
using System.Linq;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training.Metrics;

public sealed class ClassWeightsTests
{
    [Fact]
    public void Hand_computed_balanced_weights()
    {
        // n = 4, C = 2, counts = [3, 1]: w = 4 / (2·3), 4 / (2·1).
        ClassWeights.Balanced([0, 0, 0, 1], 2).Should().Equal(4.0 / 6, 2.0);
        // Uniform labels give weight 1.
        ClassWeights.Balanced([2, 1, 0, 0, 1, 2], 3).Should().Equal(1.0, 1.0, 1.0);
        // Every class then carries n / C total weight: Σ_i w_{y_i} = n.
        int[] y = [0, 1, 1, 2, 2, 2, 2];
        var w = ClassWeights.Balanced(y, 3);
        y.Sum(k => w[k]).Should().BeApproximately(y.Length, 1e-12);
    }

    [Fact]
    public void Matches_sklearn_compute_class_weight()
    {
        var checkedCases = 0;
        foreach (var c in MetricsFixture.Cases.Where(c => c.BalancedWeights is not null))
        {
            var w = ClassWeights.Balanced(c.YTrue, c.NumClasses);
            using var scope = NewDisposeScope();
            var fromTensor = ClassWeights.Balanced(tensor(c.YTrue.Select(v => (long)v).ToArray()), c.NumClasses);
            for (var k = 0; k < c.NumClasses; k++)
            {
                w[k].Should().BeApproximately(c.BalancedWeights![k], 1e-12, $"{c.Name}[{k}]");
                fromTensor[k].Should().Be(w[k]);
            }

            checkedCases++;
        }

        checkedCases.Should().BeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public void Missing_class_throws_like_sklearn_and_names_the_class()
    {
        // sklearn raises ValueError for these fixture cases (balanced_weights = null); we throw ArgumentException.
        foreach (var c in MetricsFixture.Cases.Where(c => c.BalancedWeights is null))
        {
            var missing = Enumerable.Range(0, c.NumClasses).First(k => !c.YTrue.Contains(k));
            FluentActions.Invoking(() => ClassWeights.Balanced(c.YTrue, c.NumClasses)).Should().Throw<ArgumentException>()
                .WithParameterName("labels").WithMessage($"Class {missing} has no sample*");
        }
    }

    [Fact]
    public void Tensor_result_has_dtype_and_values()
    {
        using var scope = NewDisposeScope();
        var t = ClassWeights.BalancedTensor([0, 0, 0, 1], 2);
        t.dtype.Should().Be(ScalarType.Float32);
        t.device_type.Should().Be(TorchSharp.DeviceType.CPU);
        t.data<float>().ToArray().Should().Equal(4f / 6, 2f);
        var d = ClassWeights.BalancedTensor([0, 1, 1], 2, ScalarType.Float64);
        d.data<double>().ToArray().Should().Equal(1.5, 0.75);
        FluentActions.Invoking(() => ClassWeights.BalancedTensor([0, 1], 2, ScalarType.Int64)).Should().Throw<ArgumentException>().WithParameterName("dtype");
    }

    [Fact]
    public void Bad_inputs_throw_naming_the_argument()
    {
        FluentActions.Invoking(() => ClassWeights.Balanced([], 2)).Should().Throw<ArgumentException>().WithParameterName("labels");
        FluentActions.Invoking(() => ClassWeights.Balanced([0, 2], 2)).Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("*labels[1] = 2*");
        FluentActions.Invoking(() => ClassWeights.Balanced([0], 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("numClasses");
        using var scope = NewDisposeScope();
        FluentActions.Invoking(() => ClassWeights.Balanced(tensor(new float[] { 0, 1 }), 2)).Should().Throw<ArgumentException>().WithParameterName("labels");
        FluentActions.Invoking(() => ClassWeights.Balanced(tensor(new long[] { 0, -1 }), 2)).Should().Throw<ArgumentException>().WithParameterName("labels");
    }
}
