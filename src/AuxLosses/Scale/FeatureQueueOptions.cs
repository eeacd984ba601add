using System;
using AuxLosses.Internal;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Settings of a <see cref="FeatureQueue"/>. The defaults are MoCo's queue (K = 65536, first-in first-out) at
/// ALBEF/BLIP's embedding width (256) in float32 on the CPU, without labels.
/// </summary>
public sealed class FeatureQueueOptions
{
    /// <summary>Number of (image, text) entries kept, K (default 65536, MoCo's and ALBEF's value; BLIP uses 57600). Must be ≥ 1.</summary>
    public int Capacity { get; init; } = 65536;

    /// <summary>Embedding width D of both modalities (default 256, ALBEF/BLIP's <c>embed_dim</c>). Must be ≥ 1.</summary>
    public int Dim { get; init; } = 256;

    /// <summary>
    /// Storage dtype (default float32). Must be floating point; <see cref="FeatureQueue.Enqueue"/> requires
    /// features of exactly this dtype, so a precision change is always the caller's explicit cast.
    /// </summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>Device of the storage (default <see langword="null"/>: the CPU). Enqueued features must live there.</summary>
    public Device? Device { get; init; }

    /// <summary>What is kept once the queue is full (default <see cref="FeatureQueuePolicy.Fifo"/>).</summary>
    public FeatureQueuePolicy EnqueuePolicy { get; init; } = FeatureQueuePolicy.Fifo;

    /// <summary>
    /// Whether each entry stores its class label (default <see langword="false"/>). Required by the labelled loss
    /// overloads, which treat queued entries of the anchor's class as positives (BLIP's <c>idx_queue</c>).
    /// </summary>
    public bool StoreLabels { get; init; }

    /// <summary>
    /// Random source of <see cref="FeatureQueuePolicy.Reservoir"/> (default <see langword="null"/>: torch's global
    /// generator). Pass one for reproducible queues; it must be a CPU generator. Unused by <see cref="FeatureQueuePolicy.Fifo"/>.
    /// </summary>
    public Generator? Generator { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        AtLeastOne(Capacity, nameof(Capacity));
        AtLeastOne(Dim, nameof(Dim));
        if (!is_floating_point(Dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(Dtype), Dtype, $"{nameof(Dtype)} must be a floating-point dtype, but it is {Dtype}.");
        }

        EnumGuard.Defined(EnqueuePolicy, nameof(EnqueuePolicy));
    }

    private static void AtLeastOne(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1, but it is {value}.");
        }
    }
}
