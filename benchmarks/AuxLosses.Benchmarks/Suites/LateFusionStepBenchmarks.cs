using System.Linq;
using AuxLosses.Benchmarks.Models;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Suites;

/// <summary>
/// One AdamW training step of a late-fusion classifier (MLP encoders, concat fusion, 3 classes): cross-entropy only
/// (baseline) vs JointObjective.Paper with ITC and ITM (the paper's random-swap negatives).
/// </summary>
public class LateFusionStepBenchmarks
{
    private const int Width = 256;
    private Tensor pixels = null!;
    private Tensor tokens = null!;
    private Tensor labels = null!;
    private LateFusionModel ceModel = null!;
    private optim.Optimizer ceOptimizer = null!;
    private LateFusionModel jointModel = null!;
    private ImageTextContrastiveLoss itc = null!;
    private ImageTextMatchingLoss itm = null!;
    private JointObjective objective = null!;
    private optim.Optimizer jointOptimizer = null!;

    [Params(256)]
    public int B { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.Initialize();
        pixels = randn(B, 2048).DetachFromDisposeScope();
        tokens = randn(B, 768).DetachFromDisposeScope();
        labels = Features.Labels(B, 3);
        ceModel = new LateFusionModel(2048, 768, Width, 3);
        ceOptimizer = optim.AdamW(ceModel.parameters(), lr: 1e-3);
        jointModel = new LateFusionModel(2048, 768, Width, 3);
        itc = new ImageTextContrastiveLoss();
        itm = new ImageTextMatchingLoss(inputSize: Width);
        objective = JointObjective.Paper(itcWeight: 0.1, itmWeight: 0.1);
        var parameters = new nn.Module[] { jointModel, itc, itm }.SelectMany(m => m.parameters());
        jointOptimizer = optim.AdamW(parameters, lr: 1e-3);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ceModel.Dispose();
        jointModel.Dispose();
        itc.Dispose();
        itm.Dispose();
        pixels.Dispose();
        tokens.Dispose();
        labels.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double CrossEntropyOnly()
    {
        using var scope = NewDisposeScope();
        var (image, text) = ceModel.Encode(pixels, tokens);
        var loss = nn.functional.cross_entropy(ceModel.Classify(ceModel.Fuse(image, text)), labels);
        ceOptimizer.zero_grad();
        loss.backward();
        ceOptimizer.step();
        return loss.item<float>();
    }

    [Benchmark]
    public double CrossEntropyItcItm()
    {
        using var scope = NewDisposeScope();
        var (image, text) = jointModel.Encode(pixels, tokens);
        using var matching = itm.forward(new LateFusionPairEncoder(image, text, jointModel.Fuse));
        using var loss = objective.Compute(
            (JointObjective.CrossEntropy, nn.functional.cross_entropy(jointModel.Classify(jointModel.Fuse(image, text)), labels)),
            (JointObjective.ImageTextContrastive, itc.forward(image, text)),
            (JointObjective.ImageTextMatching, matching.Loss));
        jointOptimizer.zero_grad();
        loss.Total.backward();
        jointOptimizer.step();
        return loss.TotalValue;
    }
}
