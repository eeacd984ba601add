using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders;

/// <summary>Reads the ViT fixtures written by Fixtures/generate_vit.py.</summary>
internal static class VitFixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string TinyDir => Path("vit_tiny");

    public static string ClassifierDir => Path("vit_tiny_classifier");

    public static JsonDocument Json(string name) => JsonDocument.Parse(File.ReadAllBytes(Path(name)));

    /// <summary>A {"shape": [...], "values": [...]} entry as a float64 tensor.</summary>
    public static Tensor Tensor(JsonElement entry)
    {
        var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var values = entry.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return tensor(values, float64).reshape(shape);
    }

    /// <summary>The largest absolute difference, in float64.</summary>
    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        actual.shape.Should().Equal(expected.shape);
        return (actual.to(float64) - expected.to(float64)).abs().max().item<double>();
    }
}
