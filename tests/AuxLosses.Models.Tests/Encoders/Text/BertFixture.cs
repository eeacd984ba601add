using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Text;

/// <summary>Reads the files written by Fixtures/generate_bert.py and builds tiny models and batches.</summary>
internal static class BertFixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static JsonDocument Json(string name) => JsonDocument.Parse(File.ReadAllBytes(Path(name)));

    public static Tensor Ids(JsonElement rows) =>
        tensor(rows.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetInt64())).ToArray(),
            [rows.GetArrayLength(), rows[0].GetArrayLength()]);

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>The largest absolute difference between a tensor and flattened expected values (shape checked by count).</summary>
    public static double MaxError(Tensor actual, double[] expected)
    {
        var values = actual.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        if (values.Length != expected.Length)
        {
            throw new InvalidOperationException($"Expected {expected.Length} values, got {values.Length}.");
        }

        return values.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
    }

    public static BertConfig Tiny(string modelType = "bert") => new()
    {
        VocabSize = 100,
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 37,
        MaxPositionEmbeddings = 16,
        TypeVocabSize = modelType == "bert" ? 2 : 1,
        PadTokenId = modelType == "bert" ? 0 : 1,
        ModelType = modelType,
        InitializerRange = 0.5,
    };

    public static BertModel TinyModel(string modelType = "bert", long seed = 3)
    {
        using var generator = new Generator((ulong)seed);
        var model = new BertModel(Tiny(modelType), generator: generator);
        model.eval();
        return model;
    }

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "auxlosses-bert-" + Guid.NewGuid().ToString("N")[..12]);
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
            }
        }
    }
}
