using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>
/// A finite, replayable sequence of batches, one pass per epoch. The order of an epoch depends only on the
/// source's seed and <c>epoch</c>, so a run stopped after <c>k</c> batches resumes with
/// <c>GetBatches(epoch, skipBatches: k)</c> and sees exactly the batches it would have seen.
/// </summary>
/// <typeparam name="TBatch">The batch type; the consumer disposes each batch it receives.</typeparam>
public interface IBatchSource<out TBatch>
{
    /// <summary>Number of batches one epoch yields.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (0-based), starting after the first
    /// <paramref name="skipBatches"/> of them. Enumerating twice with the same arguments yields the same batches.
    /// </summary>
    IEnumerable<TBatch> GetBatches(int epoch, int skipBatches = 0);
}
