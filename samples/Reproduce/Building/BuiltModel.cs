using System;
using System.Collections.Generic;
using AuxLosses.Models;

namespace AuxLosses.Reproduce.Building;

/// <summary>The trainable adapter, the collator that feeds it, and everything to dispose afterwards.</summary>
internal sealed class BuiltModel : IDisposable
{
    private readonly List<IDisposable> owned;

    public BuiltModel(ITrainingModel<PostBatch> adapter, PostBatchCollator collator, bool usesClassWeights, string description, List<IDisposable> owned)
    {
        Adapter = adapter;
        Collator = collator;
        UsesClassWeights = usesClassWeights;
        Description = description;
        this.owned = owned;
    }

    public ITrainingModel<PostBatch> Adapter { get; }

    public PostBatchCollator Collator { get; }

    /// <summary>Whether the adapter's CE takes the repo's balanced class weights (SPP-SCL's loss has none).</summary>
    public bool UsesClassWeights { get; }

    /// <summary>One line for the log: encoders, head, objective.</summary>
    public string Description { get; }

    public void Dispose()
    {
        // Adapters first (they may hold losses over the modules), then modules.
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            owned[i].Dispose();
        }
    }
}
