using System;
using System.IO;

namespace AuxLosses.Models.Tests.Data;

/// <summary>Paths of the synthetic data fixtures and throw-away folders for image files.</summary>
internal static class DataFiles
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "data_readers", name);

    /// <summary>A fresh temporary folder holding empty <c>{id}.jpg</c> files (readers only check that images exist).</summary>
    public static string ImageFolder(params string[] ids)
    {
        string dir = Path.Combine(Path.GetTempPath(), "auxlosses-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (string id in ids)
        {
            File.WriteAllBytes(Path.Combine(dir, id + ".jpg"), []);
        }

        return dir;
    }

    /// <summary>Writes <paramref name="content"/> to a fresh temporary file with the given extension.</summary>
    public static string TempFile(string content, string extension)
    {
        string path = Path.Combine(Path.GetTempPath(), "auxlosses-data-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(path, content);
        return path;
    }
}
