using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>The safetensors dtype names this library reads and writes, and their TorchSharp equivalents.</summary>
internal static class SafeTensorDTypes
{
    private static readonly Dictionary<string, ScalarType> ByName = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    // Names the format defines but TorchSharp 0.107 has no tensor type for: reported as unsupported, not unknown.
    private static readonly HashSet<string> KnownButUnsupported = new(StringComparer.Ordinal)
    {
        "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64", "C128",
    };

    public static bool TryParse(string name, out ScalarType dtype) => ByName.TryGetValue(name, out dtype);

    public static bool IsKnownButUnsupported(string name) => KnownButUnsupported.Contains(name);

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {dtype} has no safetensors equivalent supported here"),
    };

    public static bool IsSupported(ScalarType dtype) => dtype is ScalarType.Float64 or ScalarType.Float32
        or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16
        or ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool;

    public static int ItemSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"dtype {dtype} is not supported"),
    };
}
