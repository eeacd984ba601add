using System;
using System.Collections.Generic;
using AuxLosses.Benchmarks.Baselines;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Suites;

/// <summary>SigLIP forward+backward: open_clip SigLipLoss port (baseline) vs SigmoidContrastiveLoss vs the GEMM floor.</summary>
public class SigmoidContrastiveBenchmarks
{
    private Tensor image = null!;
    private Tensor text = null!;
    private Tensor logitScale = null!;
    private Tensor logitBias = null!;
    private SigmoidContrastiveLoss loss = null!;

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
        logitScale = tensor(Math.Log(10)).requires_grad_(true).DetachFromDisposeScope();
        logitBias = tensor(-10.0f).requires_grad_(true).DetachFromDisposeScope();
        loss = new SigmoidContrastiveLoss();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        loss.Dispose();
        image.Dispose();
        text.Dispose();
        logitScale.Dispose();
        logitBias.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double SigLipLoss()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(SigLipLossBaseline.Loss(image, text, logitScale, logitBias));
    }

    [Benchmark]
    public double Sigmoid()
    {
        using var scope = NewDisposeScope();
        return Features.Backward(loss.forward(image, text));
    }

    [Benchmark]
    public double GemmFloor() => Gemm.Floor(image, text);
}
