using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Modes;

/// <summary>
/// <c>profile</c>: where the time of a dense B×B loss goes. Times, at B = 4096 and D = 128 (override with
/// <c>--batch</c> / <c>--dim</c>), the GEMMs and the element-wise B×B passes that Dense ITC and SupCon are made of,
/// each in isolation (median of 5), plus the full losses and the GEMM floor for reference.
/// </summary>
internal static class ProfileMode
{
    private const int Repeats = 5;

    public static int Run()
    {
        TorchRuntime.Initialize();
        var batch = First(Grid.LossBatches, 4096);
        var dim = First(Grid.Dims, 128);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = nn.functional.normalize(randn(batch, dim), dim: 1);
        var y = nn.functional.normalize(randn(batch, dim), dim: 1);
        var s = x.mm(y.t()) * 14.3;
        var classes = arange(batch, dtype: ScalarType.Int64);
        var labels = randint(0, 10, [batch]);
        var targets = classes.unsqueeze(1).eq(classes.unsqueeze(0)).to(ScalarType.Float32);
        var lsm = s.log_softmax(1);

        var steps = new List<(string Name, Action Body)>
        {
            ("GEMM B×B×D (x·yᵀ)", () => x.mm(y.t())),
            ("GEMM B×B×D (dS·y)", () => s.mm(y)),
            ("GEMM B×B×D (dSᵀ·x)", () => s.t().mm(x)),
            ("scale · S (one B×B element-wise pass)", () => s.mul(14.3)),
            ("eq mask + to(float32) (positives)", () => classes.unsqueeze(1).eq(classes.unsqueeze(0)).to(ScalarType.Float32)),
            ("targets = pos / n · (1 − ε) + ε/B", () => targets.div(ones(batch).unsqueeze(1)).mul(1.0).add(0.0)),
            ("log_softmax(S, dim 1) (rows)", () => s.log_softmax(1)),
            ("log_softmax(S, dim 0) (columns)", () => s.log_softmax(0)),
            ("log_softmax(Sᵀ.contiguous(), dim 1)", () => s.t().contiguous().log_softmax(1)),
            ("(targets · logp).sum()", () => (targets * lsm).sum()),
            ("logsumexp(S, dim 1)", () => s.logsumexp(1)),
            ("logsumexp(S, dim 0)", () => s.logsumexp(0)),
            ("cross_entropy(S, arange)", () => nn.functional.cross_entropy(s, classes)),
            ("SupCon: label mask eq (10 classes)", () => labels.unsqueeze(1).eq(labels.unsqueeze(0))),
            ("SupCon: masked_fill(self, −inf).where(...)", () => s.masked_fill(eye(batch, dtype: ScalarType.Bool), double.NegativeInfinity).where(ones(batch, 1, dtype: ScalarType.Bool), zeros_like(s))),
            ("SupCon: logp.where(pos, 0).sum(1)", () => lsm.where(targets.to(ScalarType.Bool), zeros_like(lsm)).sum(1)),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile at B = {batch}, D = {dim}, {TorchRuntime.Threads} threads (median of {Repeats}, ms)"));
        foreach (var (name, body) in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(body),9:F1}  {name}"));
        }

        var denseLoss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense });
        var chunkedLoss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Chunked });
        var supCon = new SupervisedContrastiveLoss();
        var xa = x.clone().requires_grad_(true);
        var ya = y.clone().requires_grad_(true);
        using var enableGrad = enable_grad();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(() => Gemm.Floor(x, y)),9:F1}  GEMM floor (3 GEMMs)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(() => denseLoss.forward(xa, ya)),9:F1}  ITC Dense forward"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(() => denseLoss.forward(xa, ya).backward()),9:F1}  ITC Dense forward+backward"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(() => chunkedLoss.forward(xa, ya).backward()),9:F1}  ITC Chunked forward+backward"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(() => supCon.forward(xa, labels)),9:F1}  SupCon forward"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(() => supCon.forward(xa, labels).backward()),9:F1}  SupCon forward+backward"));

        // Hard-negative sampling at the matching suite's largest batch.
        const int MatchingBatch = 1024;
        var similarity = x.narrow(0, 0, MatchingBatch).mm(y.narrow(0, 0, MatchingBatch).t()) / 0.07;
        var stacked = cat([similarity.t(), similarity], 0);
        var weights = stacked.softmax(1);
        var sampler = new NegativeSampler(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard });
        var bySteps = new List<(string Name, Action Body)>
        {
            ("sampler: isfinite(S).all() guard", () => similarity.isfinite().all().item<bool>()),
            ("sampler: cat([Sᵀ, S]) + masks [2B, B]", () => cat([similarity.t(), similarity], 0)),
            ("sampler: softmax [2B, B]", () => stacked.softmax(1)),
            ("sampler: multinomial([2B, B], 1)", () => multinomial(weights, 1)),
            ("sampler: one row multinomial + item (loop step)", () => multinomial(weights[0], 1).item<long>()),
            ("alternative: inverse CDF, cumsum + searchsorted", () => InverseCdf(weights)),
            ("alternative: Gumbel-max, argmax(log w − log(−log u))", () => weights.log().sub(rand_like(weights).log_().neg_().log_()).argmax(1)),
            ("NegativeSampler.SampleHard (whole)", () => sampler.SampleHard(similarity)),
            ("ALBEF per-row loop (whole)", () => Baselines.AlbefHardNegativeBaseline.Sample(similarity)),
        };
        Console.WriteLine($"hard negatives at B = {MatchingBatch}");
        foreach (var (name, body) in bySteps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Median(body),9:F2}  {name}"));
        }

        return 0;
    }

    private static double Median(Action body)
    {
        var times = new double[Repeats];
        body();
        for (var i = 0; i < Repeats; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            body();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[Repeats / 2];
    }

    /// <summary>One draw per row by inverse CDF: the first column whose cumulative weight reaches u · total.</summary>
    private static Tensor InverseCdf(Tensor weights)
    {
        var cumulative = weights.cumsum(1);
        var target = rand(weights.shape[0], 1) * cumulative.narrow(1, weights.shape[1] - 1, 1);
        return searchsorted(cumulative, target).clamp_max(weights.shape[1] - 1);
    }

    private static int First(IEnumerable<int> values, int preferred)
    {
        var list = values.ToList();
        return list.Contains(preferred) ? preferred : list.FirstOrDefault(preferred);
    }
}
