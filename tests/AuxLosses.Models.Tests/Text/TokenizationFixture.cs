using System;
using System.IO;
using System.Text.Json;

namespace AuxLosses.Models.Tests.Text;

/// <summary>Loads a JSON fixture written by Fixtures/generate_tokenization.py (copied next to the test assembly).</summary>
internal static class TokenizationFixture
{
    public static JsonDocument Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        return JsonDocument.Parse(File.ReadAllText(path));
    }

    public static int[] Ints(JsonElement array)
    {
        var result = new int[array.GetArrayLength()];
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            result[i++] = e.GetInt32();
        }

        return result;
    }
}

/// <summary>A temporary folder for vocabulary files a test writes; deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "auxlosses-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
