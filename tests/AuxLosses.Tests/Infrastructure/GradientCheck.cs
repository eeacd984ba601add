using System;
using System.Linq;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Infrastructure;

/// <summary>Central finite differences in float64 against autograd, for every element of every input.</summary>
internal static class GradientCheck
{
    /// <param name="loss">Maps the inputs (float64, requires_grad) to a scalar.</param>
    /// <param name="inputs">Float64 tensors; they are cloned, never modified.</param>
    public static void Assert(Func<Tensor[], Tensor> loss, Tensor[] inputs, double eps = 1e-6, double tolerance = 1e-6)
    {
        using var scope = NewDisposeScope();
        var leaves = inputs.Select(t => t.to(ScalarType.Float64).detach().clone().requires_grad_(true)).ToArray();
        var value = loss(leaves);
        var analytic = autograd.grad(new[] { value }, leaves, allow_unused: true).ToArray();
        for (var k = 0; k < leaves.Length; k++)
        {
            var flat = leaves[k].detach().clone().reshape(-1);
            var numeric = new double[flat.shape[0]];
            for (var i = 0; i < flat.shape[0]; i++)
            {
                numeric[i] = Difference(loss, leaves, k, flat, i, eps);
            }

            var expected = tensor(numeric, dtype: ScalarType.Float64).reshape(leaves[k].shape);
            var actual = analytic[k] is { IsInvalid: false } g ? g : zeros_like(expected);
            var error = (actual - expected).abs().max().item<double>();
            var scale = Math.Max(1.0, expected.abs().max().item<double>());
            error.Should().BeLessThan(tolerance * scale, $"the analytic gradient of input {k} must match central differences");
        }
    }

    private static double Difference(Func<Tensor[], Tensor> loss, Tensor[] leaves, int k, Tensor flat, int i, double eps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double Evaluate(double delta)
        {
            var shifted = flat.clone();
            shifted[i] = shifted[i] + delta;
            var args = leaves.Select((t, j) => j == k ? shifted.reshape(t.shape) : t.detach()).ToArray();
            return loss(args).item<double>();
        }

        return (Evaluate(eps) - Evaluate(-eps)) / (2 * eps);
    }
}
