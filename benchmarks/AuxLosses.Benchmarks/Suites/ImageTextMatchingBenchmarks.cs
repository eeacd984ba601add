using System.Collections.Generic;
using AuxLosses.Benchmarks.Baselines;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Suites;

/// <summary>
/// ITM forward+backward with hard negatives (3B pairs through a ReLU(Linear(2D → D)) late fusion and a 2-way head):
/// ALBEF's per-row sampling loop and row stacking (baseline) vs ImageTextMatchingLoss with NegativeSampler Hard.
/// The similarity is precomputed (in training it is the ITC logits); the GEMM floor is the ITC floor at the same size.
/// </summary>
public class ImageTextMatchingBenchmarks
{
    private Tensor image = null!;
    private Tensor text = null!;
    private Tensor similarity = null!;
    private Linear fusion = null!;
    private Linear albefHead = null!;
    private ImageTextMatchingLoss itm = null!;

    public static IEnumerable<int> Batches => Grid.MatchingBatches;

    public static IEnumerable<int> Dims => Grid.Dims;

    [ParamsSource(nameof(Batches))]
    public int B { get; set; }

    [ParamsSource(nameof(Dims))]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.Initialize();
        image = Features.Leaf(B, D);
        text = Features.Leaf(B, D);
        using (no_grad())
        {
            similarity = (nn.functional.normalize(image, dim: 1).mm(nn.functional.normalize(text, dim: 1).t()) / 0.07).DetachFromDisposeScope();
        }

        fusion = nn.Linear(2 * D, D);
        albefHead = nn.Linear(D, 2);
        itm = new ImageTextMatchingLoss(D, samplerOptions: new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        itm.Dispose();
        albefHead.Dispose();
        fusion.Dispose();
        similarity.Dispose();
        image.Dispose();
        text.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double AlbefLoop()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(AlbefHardNegativeBaseline.ItmLoss(image, text, similarity, Fuse, albefHead));
    }

    [Benchmark]
    public double HardVectorized()
    {
        using var scope = NewDisposeScope();
        using var output = itm.forward(new LateFusionPairEncoder(image, text, Fuse), similarity);
        return Features.Backward(output.Loss);
    }

    [Benchmark]
    public double GemmFloor() => Gemm.Floor(image, text);

    private Tensor Fuse(Tensor imageRows, Tensor textRows) => nn.functional.relu(fusion.call(cat([imageRows, textRows], 1)));
}
