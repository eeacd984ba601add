namespace AuxLosses;

/// <summary>Which entries a <see cref="FeatureQueue"/> keeps once it is full.</summary>
public enum FeatureQueuePolicy
{
    /// <summary>
    /// MoCo's ring buffer (He et al., 2020; also ALBEF, BLIP and XBM): each batch is written at the current position,
    /// wrapping around, so a full queue always holds the most recent <see cref="FeatureQueueOptions.Capacity"/>
    /// entries and the slot at <see cref="FeatureQueue.Position"/> holds the oldest. The right choice whenever the
    /// encoder changes during training: old features are stale and should leave first.
    /// </summary>
    Fifo = 0,

    /// <summary>
    /// Reservoir sampling (Vitter's algorithm R): after n entries have been offered, every one of them is in the queue
    /// with probability Capacity / n, drawn with <see cref="FeatureQueueOptions.Generator"/>. Meant for a frozen or
    /// slowly moving encoder, where a uniform sample of everything seen is a better memory than the latest batches.
    /// </summary>
    Reservoir = 1,
}
