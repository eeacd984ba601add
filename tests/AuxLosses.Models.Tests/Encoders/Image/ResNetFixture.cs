using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Image;

/// <summary>Reads the ResNet fixtures written by Fixtures/generate_resnet.py and compares tensors.</summary>
internal static class ResNetFixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The tensors of a fixture file; the caller disposes them (or lets a dispose scope do it).</summary>
    public static Dictionary<string, Tensor> Load(string name) => SafeTensors.Load(Path(name));

    /// <summary>torchvision's state_dict (key, shape) list for a model name in resnet_keys.json, in order.</summary>
    public static List<(string Key, long[] Shape)> Keys(string model)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path("resnet_keys.json")));
        return [.. json.RootElement.GetProperty(model).EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(d => d.GetInt64()).ToArray()))];
    }

    /// <summary>Largest absolute difference, compared in float64.</summary>
    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        actual.shape.Should().Equal(expected.shape);
        using var scope = NewDisposeScope();
        return (actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64)).abs().max().item<double>();
    }

    /// <summary>A unique temporary file path (deleted by the caller).</summary>
    public static string TempFile(string extension) =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "auxlosses-resnet-" + Guid.NewGuid().ToString("N")[..12] + extension);
}
