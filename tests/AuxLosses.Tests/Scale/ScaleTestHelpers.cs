using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Scale;

/// <summary>Host-side (double[][]) reference arithmetic for the cross-batch tests: no tensor code of the library involved.</summary>
internal static class ScaleTestHelpers
{
    public static Tensor Randn(long seed, ScalarType dtype, params long[] shape)
    {
        using var generator = new Generator((ulong)seed);
        return randn(shape, dtype: ScalarType.Float64, generator: generator).to_type(dtype);
    }

    public static Tensor Labels(params long[] values) => tensor(values, dtype: ScalarType.Int64);

    public static double[][] Rows(Tensor t)
    {
        using var scope = NewDisposeScope();
        var x = t.detach().to_type(ScalarType.Float64).contiguous();
        var flat = x.data<double>().ToArray();
        var n = (int)x.shape[0];
        var d = n == 0 ? 0 : flat.Length / n;
        return Enumerable.Range(0, n).Select(i => flat.Skip(i * d).Take(d).ToArray()).ToArray();
    }

    public static long[] Longs(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.to_type(ScalarType.Int64).data<long>().ToArray();
    }

    public static double[] Unit(double[] v)
    {
        var norm = Math.Sqrt(v.Sum(a => a * a));
        return v.Select(a => a / Math.Max(norm, 1e-12)).ToArray();
    }

    public static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

    public static double LogSumExp(double[] v)
    {
        var m = v.Max();
        return m + Math.Log(v.Sum(a => Math.Exp(a - m)));
    }

    public static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));

    /// <summary>Σ_i −Σ_j Q_ij log softmax_j(s·a_i·c_j) with Q = (1 − ε)·pos/n + ε/M.</summary>
    public static double SoftTargetCrossEntropySum(double[][] anchors, long[] anchorClasses, double[][] candidates, long[] candidateClasses, double s, double smoothing)
    {
        var total = 0.0;
        for (var i = 0; i < anchors.Length; i++)
        {
            var logits = candidates.Select(c => s * Dot(anchors[i], c)).ToArray();
            var lse = LogSumExp(logits);
            var positives = candidateClasses.Select(c => c == anchorClasses[i] ? 1.0 : 0.0).ToArray();
            var n = positives.Sum();
            for (var j = 0; j < logits.Length; j++)
            {
                var q = (1 - smoothing) * positives[j] / n + smoothing / logits.Length;
                total -= q * (logits[j] - lse);
            }
        }

        return total;
    }

    /// <summary>Σ_ij −log σ(z_ij·(s·r_i·c_j + b)).</summary>
    public static double SigmoidPairSum(double[][] rows, long[] rowClasses, double[][] columns, long[] columnClasses, double s, double b)
    {
        var total = 0.0;
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < columns.Length; j++)
            {
                var z = rowClasses[i] == columnClasses[j] ? 1.0 : -1.0;
                total -= LogSigmoid(z * (s * Dot(rows[i], columns[j]) + b));
            }
        }

        return total;
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }

    public static ImageTextContrastiveLoss Clip(double scale, double smoothing = 0, double wi = 0.5, double wt = 0.5, bool learnable = false) =>
        new(new ContrastiveLossOptions
        {
            Temperature = 1 / scale,
            LearnableTemperature = learnable,
            LabelSmoothing = smoothing,
            ImageToTextWeight = wi,
            TextToImageWeight = wt,
        });

    public static SigmoidContrastiveLoss Sig(double scale, double bias) =>
        new(new SigmoidContrastiveLossOptions { InitialLogitScale = scale, InitialLogitBias = bias });

    public static FeatureQueue Queue(int capacity, int dim, bool labels, ScalarType dtype = ScalarType.Float64) =>
        new(new FeatureQueueOptions { Capacity = capacity, Dim = dim, StoreLabels = labels, Dtype = dtype });
}
