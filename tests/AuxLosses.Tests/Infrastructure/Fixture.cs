using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Infrastructure;

/// <summary>
/// Reads reference fixtures written by the PyTorch generator scripts in Fixtures/ (see fixture_io.py):
/// a JSON object whose "cases" array holds named tensors as {"shape": [...], "dtype": "...", "data": [...]}
/// and plain numbers.
/// </summary>
internal sealed class Fixture
{
    private Fixture(string name, JsonElement[] cases)
    {
        Name = name;
        Cases = cases;
    }

    public string Name { get; }

    public JsonElement[] Cases { get; }

    public static Fixture Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var cases = document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
        return new Fixture(fileName, cases);
    }

    /// <summary>The case called <paramref name="name"/>.</summary>
    public JsonElement Case(string name) =>
        Cases.FirstOrDefault(c => c.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new InvalidOperationException($"{Name} has no case named '{name}'.");

    /// <summary>The tensor stored under <paramref name="key"/>, as float64 unless the fixture says int64.</summary>
    public static Tensor Tensor(JsonElement @case, string key)
    {
        var entry = @case.GetProperty(key);
        var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var dtype = entry.TryGetProperty("dtype", out var d) ? d.GetString() : "float64";
        var data = entry.GetProperty("data");
        if (dtype == "int64")
        {
            return tensor(data.EnumerateArray().Select(e => e.GetInt64()).ToArray(), dtype: ScalarType.Int64).reshape(shape);
        }

        return tensor(data.EnumerateArray().Select(e => e.GetDouble()).ToArray(), dtype: ScalarType.Float64).reshape(shape);
    }

    public static double Number(JsonElement @case, string key) => @case.GetProperty(key).GetDouble();
}
