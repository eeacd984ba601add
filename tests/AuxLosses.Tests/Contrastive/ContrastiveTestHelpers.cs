using System;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Contrastive;

/// <summary>Small helpers shared by the contrastive tests.</summary>
internal static class ContrastiveTestHelpers
{
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }

    public static bool AllFinite(Tensor t)
    {
        using var scope = NewDisposeScope();
        return isfinite(t.to_type(ScalarType.Float32)).all().item<bool>();
    }

    /// <summary>Random [b, d] float64 features from a seeded generator.</summary>
    public static Tensor Features(long b, long d, long seed, ScalarType dtype = ScalarType.Float64)
    {
        using var generator = new Generator((ulong)seed);
        return randn(new[] { b, d }, dtype: ScalarType.Float64, generator: generator).to_type(dtype);
    }

    /// <summary>Sets a 0-d state tensor (t or b) of a loss without recording autograd history.</summary>
    public static void Set(Tensor state, double value)
    {
        using var noGrad = no_grad();
        state.fill_(value);
    }

    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));
}
