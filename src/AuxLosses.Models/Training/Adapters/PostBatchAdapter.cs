using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>Shared plumbing of the <see cref="PostBatch"/> adapters.</summary>
internal static class PostBatchAdapter
{
    /// <summary>The batch itself when its tensors are on <paramref name="device"/>, otherwise a copy there.</summary>
    public static PostBatch ToDevice(PostBatch batch, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(device);
        var current = batch.Labels.device;
        var same = current.type == device.type && (device.index < 0 || current.index < 0 || current.index == device.index);
        return same ? batch : batch.To(device);
    }

    /// <summary>The output width of the named linear layer (the class count of a classifier head).</summary>
    public static int OutputRows(nn.Module module, string weightName, string modelName)
    {
        var weight = module.named_parameters().FirstOrDefault(p => p.name == weightName).parameter
            ?? throw new ArgumentException($"{modelName} has no parameter '{weightName}' to read the number of classes from.", nameof(module));
        return checked((int)weight.shape[0]);
    }

    /// <summary>Cross-entropy with optional class weights (PyTorch's weighted mean: Σ w_y·ℓ / Σ w_y).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, Tensor? classWeights) =>
        nn.functional.cross_entropy(logits, labels, weight: classWeights?.to(logits.dtype));
}
