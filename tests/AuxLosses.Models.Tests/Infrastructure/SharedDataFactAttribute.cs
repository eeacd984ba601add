using System;
using System.IO;

namespace AuxLosses.Models.Tests.Infrastructure;

/// <summary>
/// A fact that needs a file from the project's shared data folder (<c>../shared/data</c> beside the repository);
/// it is skipped, not failed, where that folder is absent. The core suite never needs it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <param name="relativePath">Path below <c>shared/data</c>, e.g. <c>bert-base-uncased-vocab.txt</c>.</param>
    public SharedDataFactAttribute(string relativePath)
    {
        if (SharedData.Find(relativePath) is null)
        {
            Skip = $"shared/data/{relativePath} is not present beside the repository";
        }
    }
}
