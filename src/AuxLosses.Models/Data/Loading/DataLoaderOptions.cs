using System;

namespace AuxLosses.Models;

/// <summary>
/// Settings of <see cref="DataLoader{TItem, TBatch}"/>. The defaults are PyTorch's training loader with a little
/// parallelism: batches of 32, reshuffled every epoch from seed 0, the last short batch kept, collated on
/// <c>min(2, ProcessorCount)</c> background threads with two batches of look-ahead per thread.
/// Validated when the loader is constructed.
/// </summary>
public sealed class DataLoaderOptions
{
    private readonly int? _prefetchBatches;

    /// <summary>Items per batch (the last batch may be shorter unless <see cref="DropLast"/>). Default 32; at least 1.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Visit the items in a new random order each epoch (default true). The order is a pure function of
    /// <see cref="Seed"/> and the epoch, independent of <see cref="Workers"/> and of the .NET version. False keeps the
    /// items in list order every epoch.
    /// </summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffle. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Drop the last batch of an epoch when it is shorter than <see cref="BatchSize"/> (default false).</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// Background threads that collate batches (decode images, tokenize) while the consumer trains; 0 collates on the
    /// consuming thread as it asks for each batch. Default <c>min(2, Environment.ProcessorCount)</c>; at least 0.
    /// </summary>
    public int Workers { get; init; } = Math.Min(2, Environment.ProcessorCount);

    /// <summary>
    /// Most batches collated ahead of the consumer (being collated or waiting to be taken), which bounds the memory held
    /// by look-ahead. Default <c>2 × Workers</c>; at least 1 when <see cref="Workers"/> is positive (ignored when 0).
    /// With fewer than <see cref="Workers"/> the surplus threads wait.
    /// </summary>
    public int PrefetchBatches
    {
        get => _prefetchBatches ?? (2 * Workers);
        init => _prefetchBatches = value;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{nameof(BatchSize)} must be at least 1, got {BatchSize}.");
        }

        if (Workers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, $"{nameof(Workers)} must be at least 0 (0 = collate on the consuming thread), got {Workers}.");
        }

        if (PrefetchBatches < (Workers > 0 ? 1 : 0))
        {
            throw new ArgumentOutOfRangeException(nameof(PrefetchBatches), PrefetchBatches,
                $"{nameof(PrefetchBatches)} must be at least 1 when {nameof(Workers)} = {Workers}, got {PrefetchBatches}.");
        }
    }
}
