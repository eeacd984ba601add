using System.Collections.Generic;
using AuxLosses.Benchmarks.Baselines;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Suites;

/// <summary>Hard-negative sampling alone, on a fixed [B, B] similarity: ALBEF's per-row multinomial loop (baseline) vs NegativeSampler.SampleHard.</summary>
public class HardNegativeSamplingBenchmarks
{
    private Tensor similarity = null!;
    private NegativeSampler sampler = null!;

    public static IEnumerable<int> Batches => Grid.MatchingBatches;

    [ParamsSource(nameof(Batches))]
    public int B { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        var x = nn.functional.normalize(randn(B, 256), dim: 1);
        var y = nn.functional.normalize(randn(B, 256), dim: 1);
        similarity = (x.mm(y.t()) / 0.07).DetachFromDisposeScope();
        sampler = new NegativeSampler(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard });
    }

    [GlobalCleanup]
    public void Cleanup() => similarity.Dispose();

    [Benchmark(Baseline = true)]
    public double AlbefLoop()
    {
        var (negativeImage, negativeText) = AlbefHardNegativeBaseline.Sample(similarity);
        return negativeImage.Length + negativeText.Length;
    }

    [Benchmark]
    public double Vectorized()
    {
        using var scope = NewDisposeScope();
        using var pairs = sampler.SampleHard(similarity);
        return pairs.Count;
    }
}
