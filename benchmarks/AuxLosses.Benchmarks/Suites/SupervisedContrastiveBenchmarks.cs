using System.Collections.Generic;
using AuxLosses.Benchmarks.Baselines;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Suites;

/// <summary>SupCon forward+backward on one view [B, D], 10 classes: SupContrast SupConLoss port (baseline) vs SupervisedContrastiveLoss vs the GEMM floor.</summary>
public class SupervisedContrastiveBenchmarks
{
    private Tensor features = null!;
    private Tensor labels = null!;
    private SupervisedContrastiveLoss loss = null!;

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
        features = Features.Leaf(B, D);
        labels = Features.Labels(B, 10);
        loss = new SupervisedContrastiveLoss();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        loss.Dispose();
        features.Dispose();
        labels.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double SupConLoss()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(SupConLossBaseline.Loss(features.unsqueeze(1), labels));
    }

    [Benchmark]
    public double SupCon()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(loss.forward(features, labels));
    }

    [Benchmark]
    public double GemmFloor() => Gemm.Floor(features, features);
}
