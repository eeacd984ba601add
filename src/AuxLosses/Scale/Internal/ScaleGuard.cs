using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>Checks of the queue and gatherer arguments of the cross-batch and data-parallel loss overloads.</summary>
internal static class ScaleGuard
{
    /// <summary>Throws unless <paramref name="queue"/> can supply candidates for features like <paramref name="reference"/>.</summary>
    public static void Queue(FeatureQueue? queue, string name, Tensor reference, bool needLabels)
    {
        ArgumentNullException.ThrowIfNull(queue, name);
        try
        {
            queue.ThrowIfDisposed();
        }
        catch (ObjectDisposedException e)
        {
            throw new ArgumentException($"{name} has been disposed.", name, e);
        }

        var dim = reference.shape[^1];
        if (queue.Dim != dim)
        {
            throw new ArgumentException($"{name} holds {queue.Dim}-dimensional entries, but the features have {dim} (shape {TensorGuard.Shape(reference)}).", name);
        }

        if (queue.Device.type != reference.device.type || queue.Device.index != reference.device.index)
        {
            throw new ArgumentException($"{name} must be on the device of the features ({reference.device}), but it is on {queue.Device}.", name);
        }

        if (needLabels && !queue.HasLabels)
        {
            throw new ArgumentException($"{name} stores no labels, so queued entries of the anchor's class cannot be made positives; create it with {nameof(FeatureQueueOptions.StoreLabels)} = true or call the overload without labels.", name);
        }
    }

    /// <summary>Throws unless <paramref name="gatherer"/> is non-null with 0 ≤ Rank &lt; WorldSize.</summary>
    public static void Gatherer(IFeatureGatherer? gatherer, string name)
    {
        ArgumentNullException.ThrowIfNull(gatherer, name);
        if (gatherer.WorldSize < 1 || gatherer.Rank < 0 || gatherer.Rank >= gatherer.WorldSize)
        {
            throw new ArgumentException($"{name} must have WorldSize ≥ 1 and 0 ≤ Rank < WorldSize, but WorldSize is {gatherer.WorldSize} and Rank is {gatherer.Rank}.", name);
        }
    }

    /// <summary>
    /// <paramref name="gatherer"/>.AllGather(<paramref name="local"/>) (detached), checked: shape [WorldSize·n, …],
    /// dtype and device of <paramref name="local"/>, and this rank's rows equal to <paramref name="local"/>.
    /// </summary>
    public static Tensor AllGather(IFeatureGatherer gatherer, string name, Tensor local, string what)
    {
        using var scope = NewDisposeScope();
        Tensor gathered;
        using (no_grad())
        {
            gathered = gatherer.AllGather(local.detach());
        }

        var call = $"{name}.{nameof(IFeatureGatherer.AllGather)}({what})";
        if (gathered is null || gathered.IsInvalid)
        {
            throw new ArgumentException($"{call} returned no tensor.", name);
        }

        var n = local.shape[0];
        var expected = new[] { gatherer.WorldSize * n }.Concat(local.shape.Skip(1)).ToArray();
        if (!gathered.shape.SequenceEqual(expected))
        {
            throw new ArgumentException($"{call} must return the {gatherer.WorldSize} ranks' tensors concatenated along dimension 0, shape [{string.Join(", ", expected)}], but it returned {TensorGuard.Shape(gathered)}.", name);
        }

        if (gathered.dtype != local.dtype || gathered.device.type != local.device.type || gathered.device.index != local.device.index)
        {
            throw new ArgumentException($"{call} must return a {local.dtype} tensor on {local.device}, but it returned {gathered.dtype} on {gathered.device}.", name);
        }

        if (!gathered.narrow(0, gatherer.Rank * n, n).eq(local.detach()).all().item<bool>())
        {
            throw new ArgumentException($"{call} must place rank {gatherer.Rank}'s own tensor at rows [{gatherer.Rank * n}, {(gatherer.Rank + 1) * n}) (rank order), but those rows differ from it.", name);
        }

        return scope.MoveToOuter(gathered.detach());
    }
}
