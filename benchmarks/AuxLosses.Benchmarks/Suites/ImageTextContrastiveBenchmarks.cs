using System;
using System.Collections.Generic;
using AuxLosses.Benchmarks.Baselines;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Suites;

/// <summary>ITC forward+backward: open_clip ClipLoss port (baseline) vs the Dense and Chunked implementations vs the GEMM floor.</summary>
public class ImageTextContrastiveBenchmarks
{
    private Tensor image = null!;
    private Tensor text = null!;
    private Tensor logitScale = null!;
    private ImageTextContrastiveLoss dense = null!;
    private ImageTextContrastiveLoss chunked = null!;

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
        image = Features.Leaf(B, D);
        text = Features.Leaf(B, D);
        logitScale = tensor(Math.Log(1 / 0.07)).requires_grad_(true).DetachFromDisposeScope();
        dense = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense });
        chunked = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Chunked });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        dense.Dispose();
        chunked.Dispose();
        image.Dispose();
        text.Dispose();
        logitScale.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double ClipLoss()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(ClipLossBaseline.Loss(image, text, logitScale));
    }

    [Benchmark]
    public double Dense()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(dense.forward(image, text));
    }

    [Benchmark]
    public double Chunked()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(chunked.forward(image, text));
    }

    [Benchmark]
    public double GemmFloor() => Gemm.Floor(image, text);
}
