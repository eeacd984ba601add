using System;
using System.IO;

namespace AuxLosses.Benchmarks;

/// <summary>Locates docs/benchmarks/ from the repository root (the folder holding AuxLosses.sln).</summary>
internal static class RepositoryPaths
{
    public static string ResultsDirectory
    {
        get
        {
            var root = Find(Environment.CurrentDirectory) ?? Find(AppContext.BaseDirectory) ?? Environment.CurrentDirectory;
            var directory = Path.Combine(root, "docs", "benchmarks");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    private static string? Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AuxLosses.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
