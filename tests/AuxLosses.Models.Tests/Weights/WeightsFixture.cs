using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using System.Text.Json;

namespace AuxLosses.Models.Tests.Weights;

/// <summary>Locates the weights fixtures copied to the test output and builds hand-made safetensors bytes.</summary>
internal static class WeightsFixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static JsonDocument Json(string name) => JsonDocument.Parse(File.ReadAllBytes(Path(name)));

    /// <summary>A safetensors byte image: length prefix (or <paramref name="lengthOverride"/>), header, data.</summary>
    public static byte[] Build(string header, byte[]? data = null, ulong? lengthOverride = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        data ??= [];
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengthOverride ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    /// <summary>A fresh directory under the system temp folder, deleted by <see cref="TempDir.Dispose"/>.</summary>
    public static TempDir NewTempDir() => new();

    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "auxlosses-weights-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(Root);
        }

        public string Root { get; }

        public string File(string name) => System.IO.Path.Combine(Root, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        }
    }
}
