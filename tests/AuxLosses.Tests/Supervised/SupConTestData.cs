using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Supervised;

/// <summary>Scalar (loop-by-loop, double precision) versions of the formulas, independent of the tensor code.</summary>
internal static class SupConTestData
{
    public static double[] Normalize(double[] v)
    {
        var n = Math.Sqrt(v.Sum(x => x * x));
        return n == 0 ? v : v.Select(x => x / n).ToArray();
    }

    public static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    /// <summary>Khosla et al. Eq. 2 with self excluded and positive-free anchors left out, over a flat list of vectors.</summary>
    public static double Khosla(IReadOnlyList<double[]> z, IReadOnlyList<long> y, double tau, double baseTau, int anchorCount)
    {
        var terms = new List<double>();
        for (var i = 0; i < anchorCount; i++)
        {
            var denominator = 0.0;
            for (var a = 0; a < z.Count; a++)
            {
                if (a != i)
                {
                    denominator += Math.Exp(Dot(z[i], z[a]) / tau);
                }
            }

            var positives = Enumerable.Range(0, z.Count).Where(p => p != i && y[p] == y[i]).ToArray();
            if (positives.Length > 0)
            {
                terms.Add(positives.Average(p => Math.Log(Math.Exp(Dot(z[i], z[p]) / tau) / denominator)));
            }
        }

        return terms.Count == 0 ? 0 : -(tau / baseTau) * terms.Average();
    }

    public static Tensor Matrix(double[][] rows, ScalarType dtype = ScalarType.Float64) =>
        tensor(rows.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64).reshape(rows.Length, rows[0].Length).to(dtype);

    public static Tensor Labels(params long[] labels) => tensor(labels, dtype: ScalarType.Int64);

    public static void AssertFinite(Tensor t, string what)
    {
        if (!isfinite(t).all().item<bool>())
        {
            throw new Xunit.Sdk.XunitException($"{what} is not finite: {t.to(ScalarType.Float64).ToString(TorchSharp.TensorStringStyle.Julia)}");
        }
    }
}
