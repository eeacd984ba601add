using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training;

/// <summary>A non-PostBatch batch type, to show the trainer is generic.</summary>
internal sealed class VectorBatch : IDisposable
{
    public VectorBatch(Tensor features, Tensor labels)
    {
        Features = features.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
    }

    public Tensor Features { get; }

    public Tensor Labels { get; }

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}

internal sealed class VectorSource : IBatchSource<VectorBatch>
{
    private readonly int batches;
    private readonly int batchSize;
    private readonly int features;
    private readonly int classes;
    private readonly int[]? labels;

    public VectorSource(int batches, int batchSize = 4, int features = 5, int classes = 3, int[]? labels = null)
    {
        this.batches = batches;
        this.batchSize = batchSize;
        this.features = features;
        this.classes = classes;
        this.labels = labels;
    }

    public int BatchesPerEpoch => batches;

    public IEnumerable<VectorBatch> GetBatches(int epoch, int skipBatches = 0)
    {
        for (var b = skipBatches; b < batches; b++)
        {
            using var scope = NewDisposeScope();
            var g = new Generator((ulong)(1000 * epoch + b + 1));
            var y = labels is null
                ? tensor(Enumerable.Range(0, batchSize).Select(i => (long)(i % classes)).ToArray())
                : tensor(labels.Skip(b * batchSize).Take(batchSize).Select(v => (long)v).ToArray());
            using var one = 1.ToScalar(); // kept alive: a temporary Scalar alpha can be finalized mid-call
            var x = randn(y.shape[0], features, generator: g).add(y.to(ScalarType.Float32).unsqueeze(1), one);
            yield return new VectorBatch(x, y);
        }
    }
}

/// <summary>A small MLP adapter; hooks let tests see inside the step.</summary>
internal sealed class VectorModel : nn.Module<Tensor, Tensor>, ITrainingModel<VectorBatch>
{
    private readonly Linear hidden;
    private readonly LayerNorm norm;
    private readonly Linear output;

    public VectorModel(int features = 5, int classes = 3, long seed = 1)
        : base(nameof(VectorModel))
    {
        torch.manual_seed(seed);
        hidden = nn.Linear(features, 8);
        norm = nn.LayerNorm(8);
        output = nn.Linear(8, classes);
        NumClasses = classes;
        RegisterComponents();
    }

    /// <summary>Multiplies the loss (large values make large gradients for the clipping test).</summary>
    public double LossScale { get; set; } = 1.0;

    /// <summary>Called after each optimizer step with the context (grads are still populated).</summary>
    public Action<TrainingStepContext>? AfterStep { get; set; }

    public nn.Module Module => this;

    public int NumClasses { get; }

    public bool SupportsClassWeights => true;

    public IReadOnlyList<Generator> Generators => [];

    public void Initialize(Device device, long seed)
    {
    }

    public VectorBatch ToDevice(VectorBatch batch, Device device) => batch;

    public int BatchSize(VectorBatch batch) => (int)batch.Labels.shape[0];

    public Tensor Labels(VectorBatch batch) => batch.Labels;

    public Tensor Predict(VectorBatch batch) => forward(batch.Features);

    public override Tensor forward(Tensor input) => output.call(norm.call(hidden.call(input)).relu());

    public IReadOnlyDictionary<string, double> TrainStep(VectorBatch batch, TrainingStepContext context)
    {
        using var scale = LossScale.ToScalar();
        var loss = nn.functional.cross_entropy(forward(batch.Features), batch.Labels, weight: context.ClassWeights).mul(scale);
        context.ZeroGrad();
        loss.backward();
        context.Step();
        AfterStep?.Invoke(context);
        return new Dictionary<string, double> { ["loss"] = loss.ToDouble() };
    }

    /// <summary>Global L2 norm of the current gradients.</summary>
    public double GradNorm()
    {
        using var scope = NewDisposeScope();
        var squares = parameters().Where(p => p.grad is not null).Select(p => p.grad!.square().sum()).ToArray();
        return stack(squares).sum().sqrt().ToDouble();
    }
}
