using System;
using System.IO;

namespace AuxLosses.Models.Tests.Infrastructure;

/// <summary>Locates <c>shared/data</c>: the folder named <c>shared</c> next to the repository root.</summary>
internal static class SharedData
{
    /// <summary>The full path of <paramref name="relativePath"/> below shared/data, or null where it does not exist.</summary>
    public static string? Find(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuxLosses.sln")))
            {
                var path = Path.Combine(dir.FullName, "..", "shared", "data", relativePath);
                return File.Exists(path) || Directory.Exists(path) ? Path.GetFullPath(path) : null;
            }
        }

        return null;
    }
}
