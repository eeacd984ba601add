using System.Collections.Generic;
using AuxLosses.Benchmarks.Baselines;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Suites;

/// <summary>Inter-modal SupCon forward+backward, 10 classes: SupContrast-style SPP-SCL port (baseline) vs CrossModalSupervisedContrastiveLoss vs the GEMM floor.</summary>
public class CrossModalSupervisedContrastiveBenchmarks
{
    private Tensor anchors = null!;
    private Tensor candidates = null!;
    private Tensor labels = null!;
    private CrossModalSupervisedContrastiveLoss loss = null!;

    public static IEnumerable<int> Batches => Grid.LossBatches;

    public static IEnumerable<int> Dims => Grid.Dims;

    [ParamsSource(nameof(Batches))]
    public int B { get; set; }

    [ParamsSource(nameof(Dims))]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.Initialize();
        anchors = Features.Leaf(B, D);
        candidates = Features.Leaf(B, D);
        labels = Features.Labels(B, 10);
        loss = new CrossModalSupervisedContrastiveLoss();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        loss.Dispose();
        anchors.Dispose();
        candidates.Dispose();
        labels.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double SppSclInterLoss()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(CrossModalSupConBaseline.Loss(anchors, candidates, labels));
    }

    [Benchmark]
    public double CrossModalSupCon()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(loss.forward(anchors, candidates, labels));
    }

    [Benchmark]
    public double GemmFloor() => Gemm.Floor(anchors, candidates);
}
