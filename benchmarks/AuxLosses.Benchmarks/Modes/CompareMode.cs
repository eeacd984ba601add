using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Modes;

/// <summary>
/// <c>compare</c>: A/B of the dense losses and hard-negative sampling against their previous implementation (the
/// B×B-mask formulation this library used before the factored dense path and inverse-CDF sampling, re-typed here
/// from the public ops) and the GEMM floor, <b>interleaved</b> call by call (round-robin, median of the repeats), so
/// that load from other processes on a shared machine hits every variant alike. Forward + backward, float32, CPU;
/// B = 4096 and D ∈ {128, 512} unless narrowed by <c>--batch</c> / <c>--dim</c>; sampling at B = 1024.
/// </summary>
internal static class CompareMode
{
    private const int Repeats = 9;

    public static int Run()
    {
        TorchRuntime.Initialize();
        var batches = Grid.LossBatches.Contains(4096) ? new[] { 4096 } : Grid.LossBatches.ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compare: {TorchRuntime.Threads} threads, round-robin, median of {Repeats} (ms); ratio columns divide by the GEMM floor of the same round"));
        foreach (var batch in batches)
        {
            foreach (var dim in Grid.Dims)
            {
                RunLosses(batch, dim);
            }
        }

        RunSampling(1024);
        return 0;
    }

    private static void RunLosses(int batch, int dim)
    {
        using var scope = NewDisposeScope();
        var x = randn(batch, dim).requires_grad_(true);
        var y = randn(batch, dim).requires_grad_(true);
        var labels = randint(0, 10, [batch]);
        var logScale = tensor(Math.Log(1 / 0.07)).requires_grad_(true);
        var bias = tensor(-10.0f).requires_grad_(true);
        var itc = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense });
        var sig = new SigmoidContrastiveLoss(new SigmoidContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense });
        var supCon = new SupervisedContrastiveLoss();
        var crossModal = new CrossModalSupervisedContrastiveLoss();
        var variants = new List<(string Name, Action Body)>
        {
            ("GEMM floor", () => Gemm.Floor(x, y)),
            ("ITC dense before", () => Step(() => ItcBefore(x, y, logScale), x, y, logScale)),
            ("ITC dense after", () => Step(() => itc.forward(x, y), x, y, itc.LogScale)),
            ("SigLIP dense before", () => Step(() => SigLipBefore(x, y, logScale, bias), x, y, logScale, bias)),
            ("SigLIP dense after", () => Step(() => sig.forward(x, y), x, y, sig.LogScale, sig.LogitBias)),
            ("SupCon before", () => Step(() => SupConBefore(x, labels), x)),
            ("SupCon after", () => Step(() => supCon.forward(x, labels), x)),
            ("CrossModal SupCon before", () => Step(() => CrossModalBefore(x, y, labels), x, y)),
            ("CrossModal SupCon after", () => Step(() => crossModal.forward(x, y, labels), x, y)),
        };
        Report($"B = {batch}, D = {dim}", variants);
    }

    private static void RunSampling(int batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = nn.functional.normalize(randn(batch, 256), dim: 1);
        var y = nn.functional.normalize(randn(batch, 256), dim: 1);
        var similarity = x.mm(y.t()) / 0.07;
        var sampler = new NegativeSampler(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard });
        var variants = new List<(string Name, Action Body)>
        {
            ("ALBEF per-row loop", () => Baselines.AlbefHardNegativeBaseline.Sample(similarity)),
            ("SampleHard before (multinomial on [2B, B])", () => SampleHardBefore(similarity).item<long>()),
            ("SampleHard after (inverse CDF)", () => sampler.SampleHard(similarity).Dispose()),
        };
        Report($"hard negatives, B = {batch}", variants);
    }

    private static void Report(string title, List<(string Name, Action Body)> variants)
    {
        var times = variants.Select(_ => new List<double>()).ToArray();
        foreach (var (_, body) in variants)
        {
            Time(body);
        }

        for (var r = 0; r < Repeats; r++)
        {
            for (var v = 0; v < variants.Count; v++)
            {
                times[v].Add(Time(variants[v].Body));
            }
        }

        var medians = times.Select(t => t.OrderBy(d => d).ElementAt(t.Count / 2)).ToArray();
        Console.WriteLine(title);
        for (var v = 0; v < variants.Count; v++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{medians[v],10:F2}  {medians[v] / medians[0],6:F2}×  {variants[v].Name}"));
        }
    }

    private static double Time(Action body)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        body();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static void Step(Func<Tensor> loss, params Tensor[] leaves)
    {
        foreach (var leaf in leaves)
        {
            leaf.grad?.zero_();
        }

        loss().backward();
    }

    private static Tensor Prepare(Tensor features) => nn.functional.normalize(features, p: 2, dim: 1, eps: 1e-12);

    // ---- the previous implementations (B×B masks and target matrices), as they were --------------------------------

    private static Tensor ItcBefore(Tensor image, Tensor text, Tensor logScale)
    {
        var x = Prepare(image);
        var y = Prepare(text);
        var batch = x.shape[0];
        var classes = arange(batch);
        var counts = ones(batch);
        var logits = logScale.exp().clamp_max(100.0) * x.mm(y.t());
        var positives = classes.unsqueeze(1).eq(classes.unsqueeze(0)).to_type(logits.dtype);
        var targets = positives / counts.unsqueeze(1) * 1.0 + 0.0 / batch;
        var rows = -(targets * logits.log_softmax(1)).sum() / batch;
        var columns = -(targets * logits.log_softmax(0)).sum() / batch;
        return rows * 0.5 + columns * 0.5;
    }

    private static Tensor SigLipBefore(Tensor image, Tensor text, Tensor logScale, Tensor bias)
    {
        var x = Prepare(image);
        var y = Prepare(text);
        var classes = arange(x.shape[0]);
        var logits = logScale.exp().clamp_max(100.0) * x.mm(y.t()) + bias;
        var signs = classes.unsqueeze(1).eq(classes.unsqueeze(0)).to_type(logits.dtype) * 2 - 1;
        return -nn.functional.logsigmoid(signs * logits).sum() / x.shape[0];
    }

    private static Tensor KhoslaBefore(Tensor logits, Tensor positives, Tensor? self, double scale)
    {
        var denominator = logits;
        if (self is not null)
        {
            var hasCandidate = self.logical_not().any(1, keepdim: true);
            denominator = logits.masked_fill(self, double.NegativeInfinity).where(hasCandidate, zeros_like(logits));
        }

        var logProb = logits - denominator.logsumexp(1, keepdim: true);
        var count = positives.to(logits.dtype).sum(1);
        var perAnchor = logProb.where(positives, zeros_like(logProb)).sum(1) / count.clamp_min(1.0);
        var anchors = count.gt(0).to(logits.dtype).sum();
        return perAnchor.sum() * (-scale) / anchors.clamp_min(1.0);
    }

    private static Tensor SupConBefore(Tensor features, Tensor labels)
    {
        var z = Prepare(features);
        var n = z.shape[0];
        var index = arange(n);
        var logits = z.matmul(z.t()) / 0.07;
        var self = index.unsqueeze(1).eq(arange(n).unsqueeze(0));
        var positives = labels.unsqueeze(1).eq(labels.unsqueeze(0)).logical_and(self.logical_not());
        return KhoslaBefore(logits, positives, self, 1.0);
    }

    private static Tensor CrossModalBefore(Tensor anchors, Tensor candidates, Tensor labels)
    {
        var a = Prepare(anchors);
        var c = Prepare(candidates);
        var positives = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        return KhoslaBefore(a.matmul(c.t()) / 0.07, positives, null, 1.0);
    }

    private static Tensor SampleHardBefore(Tensor similarity)
    {
        var batch = similarity.shape[0];
        var logits = similarity.detach().to(ScalarType.Float32) / 1.0;
        var allowed = eye(batch, dtype: ScalarType.Bool).logical_not();
        var stackedLogits = cat([logits.t(), logits], 0);
        var stackedAllowed = cat([allowed.t(), allowed], 0);
        var hasCandidate = stackedAllowed.any(1);
        var masked = stackedLogits.masked_fill(stackedAllowed.logical_not(), double.NegativeInfinity);
        masked = where(hasCandidate.unsqueeze(1), masked, zeros_like(masked));
        var draw = multinomial(softmax(masked, 1), 1).squeeze(1);
        var rows = arange(batch);
        var image = cat([rows, draw.narrow(0, 0, batch), rows]);
        return image[0];
    }
}
