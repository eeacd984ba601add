using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Parses and validates a safetensors header. Layout: an 8-byte little-endian header length N, N bytes of UTF-8
/// JSON (an object mapping tensor names to {dtype, shape, data_offsets}, plus an optional "__metadata__" string
/// map), then the data section. Every check the Rust reference makes is made here, before any tensor is allocated.
/// </summary>
internal static class SafeTensorsHeader
{
    public const string MetadataKey = "__metadata__";

    // Torch supports at most 64 dimensions; anything above is hostile or broken.
    private const int MaxRank = 64;

    /// <summary>Validates the 8-byte length prefix against the stream length and the header cap.</summary>
    public static int CheckHeaderLength(string source, ulong headerLength, long streamLength, long maxHeaderBytes)
    {
        if (streamLength < 8)
        {
            throw new SafeTensorsFormatException(source, null, $"file is {streamLength} bytes, shorter than the 8-byte header length prefix");
        }

        if (headerLength > (ulong)(streamLength - 8))
        {
            throw new SafeTensorsFormatException(source, null,
                $"header length {headerLength} runs past the end of the file ({streamLength - 8} bytes after the length prefix)");
        }

        if (headerLength > (ulong)maxHeaderBytes)
        {
            throw new SafeTensorsFormatException(source, null, $"header length {headerLength} exceeds the limit of {maxHeaderBytes} bytes");
        }

        if (headerLength < 2)
        {
            throw new SafeTensorsFormatException(source, null, $"header length {headerLength} is too small to hold a JSON object");
        }

        return (int)headerLength;
    }

    /// <summary>Parses the JSON header and validates every entry against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static (Dictionary<string, SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        string source, ReadOnlySpan<byte> json, long dataLength)
    {
        if (json[0] != (byte)'{')
        {
            throw new SafeTensorsFormatException(source, null, $"header does not start with '{{' (first byte 0x{json[0]:X2})");
        }

        JsonDocument document;
        try
        {
            // Depth 3 is all the format needs (root → entry → shape array); a deeper header is rejected
            // before it can make the parser recurse.
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 3 });
            document = JsonDocument.ParseValue(ref reader);
            try
            {
                // Trailing spaces (the writer's 8-byte padding) are allowed; anything else throws here.
                if (reader.Read())
                {
                    throw new JsonException($"unexpected content after the header object at byte {reader.TokenStartIndex}");
                }
            }
            catch
            {
                document.Dispose();
                throw;
            }
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(source, null, $"header is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // Utf8JsonReader reports invalid UTF-8 in string values this way.
            throw new SafeTensorsFormatException(source, null, $"header is not valid UTF-8 JSON: {e.Message}", e);
        }

        using (document)
        {
            try
            {
                return Validate(source, document.RootElement, dataLength);
            }
            catch (InvalidOperationException e)
            {
                // Raised when a name or string holds escapes that are not valid UTF-16 (e.g. a lone surrogate).
                throw new SafeTensorsFormatException(source, null, $"header holds an invalid string: {e.Message}", e);
            }
        }
    }

    private static (Dictionary<string, SafeTensorInfo>, Dictionary<string, string>) Validate(string source, JsonElement root, long dataLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException(source, null, $"header must be a JSON object, found {root.ValueKind}");
        }

        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenMetadata = false;
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (name == MetadataKey)
            {
                if (seenMetadata)
                {
                    throw new SafeTensorsFormatException(source, MetadataKey, "duplicate key");
                }

                seenMetadata = true;
                ReadMetadata(source, property.Value, metadata);
                continue;
            }

            if (tensors.ContainsKey(name))
            {
                throw new SafeTensorsFormatException(source, name, "duplicate key");
            }

            tensors.Add(name, ReadEntry(source, name, property.Value));
        }

        CheckCoverage(source, tensors.Values, dataLength);
        return (tensors, metadata);
    }

    private static void ReadMetadata(string source, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException(source, MetadataKey, $"must be an object of strings, found {value.ValueKind}");
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafeTensorsFormatException(source, $"{MetadataKey}.{entry.Name}", $"metadata values must be strings, found {entry.Value.ValueKind}");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new SafeTensorsFormatException(source, $"{MetadataKey}.{entry.Name}", "duplicate metadata key");
            }
        }
    }

    private static SafeTensorInfo ReadEntry(string source, string name, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException(source, name, $"entry must be an object with dtype, shape and data_offsets, found {entry.ValueKind}");
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var field in entry.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeElement;
            switch (field.Name)
            {
                case "dtype": slot = ref dtypeElement; break;
                case "shape": slot = ref shapeElement; break;
                case "data_offsets": slot = ref offsetsElement; break;
                default: throw new SafeTensorsFormatException(source, name, $"unknown field '{field.Name}' (expected dtype, shape, data_offsets)");
            }

            if (slot is not null)
            {
                throw new SafeTensorsFormatException(source, name, $"duplicate field '{field.Name}'");
            }

            slot = field.Value;
        }

        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue)
        {
            throw new SafeTensorsFormatException(source, name, "field 'dtype' is missing or not a string");
        }

        var dtypeName = dtypeValue.GetString()!;
        if (!SafeTensorDTypes.TryParse(dtypeName, out var dtype))
        {
            throw new SafeTensorsFormatException(source, name, SafeTensorDTypes.IsKnownButUnsupported(dtypeName)
                ? $"dtype '{dtypeName}' is not supported by TorchSharp (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"
                : $"unknown dtype '{Printable(dtypeName)}' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        }

        var shape = ReadIntegers(source, name, "shape", shapeElement, maxCount: MaxRank);
        var offsets = ReadIntegers(source, name, "data_offsets", offsetsElement, maxCount: 2);
        if (offsets.Length != 2)
        {
            throw new SafeTensorsFormatException(source, name, $"field 'data_offsets' must hold [begin, end], found {offsets.Length} values");
        }

        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
        {
            throw new SafeTensorsFormatException(source, name, $"data_offsets [{begin}, {end}] end before they begin");
        }

        long expected;
        try
        {
            expected = SafeTensorDTypes.ItemSize(dtype);
            foreach (var d in shape)
            {
                expected = checked(expected * d);
            }
        }
        catch (OverflowException)
        {
            throw new SafeTensorsFormatException(source, name, $"shape [{string.Join(", ", shape)}] overflows a 64-bit byte count");
        }

        if (expected != end - begin)
        {
            throw new SafeTensorsFormatException(source, name,
                $"data_offsets [{begin}, {end}] span {end - begin} bytes but {dtypeName} shape [{string.Join(", ", shape)}] needs {expected} bytes");
        }

        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(string source, string name, string field, JsonElement? element, int maxCount)
    {
        if (element is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new SafeTensorsFormatException(source, name, $"field '{field}' is missing or not an array");
        }

        var count = array.GetArrayLength();
        if (count > maxCount)
        {
            throw new SafeTensorsFormatException(source, name, $"field '{field}' has {count} values, more than the {maxCount} allowed");
        }

        var values = new long[count];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
            {
                throw new SafeTensorsFormatException(source, name, $"field '{field}'[{i}] must be a non-negative 64-bit integer, found {Printable(item.GetRawText())}");
            }

            values[i++] = value;
        }

        return values;
    }

    // The data section must be tiled exactly: sorted by begin, each tensor starts where the previous one ended,
    // the first at 0 and the last at the end of the file. This rules out overlaps, gaps and out-of-range offsets.
    private static void CheckCoverage(string source, IEnumerable<SafeTensorInfo> tensors, long dataLength)
    {
        long cursor = 0;
        string? previous = null;
        foreach (var info in tensors.OrderBy(t => t.DataBegin).ThenBy(t => t.DataEnd))
        {
            if (info.DataEnd > dataLength)
            {
                throw new SafeTensorsFormatException(source, info.Name,
                    $"data_offsets [{info.DataBegin}, {info.DataEnd}] are out of range: the data section holds {dataLength} bytes");
            }

            if (info.DataBegin < cursor)
            {
                throw new SafeTensorsFormatException(source, info.Name,
                    $"data_offsets [{info.DataBegin}, {info.DataEnd}] overlap tensor '{previous}' which ends at {cursor}");
            }

            if (info.DataBegin > cursor)
            {
                throw new SafeTensorsFormatException(source, info.Name,
                    $"data_offsets [{info.DataBegin}, {info.DataEnd}] leave a gap of {info.DataBegin - cursor} unclaimed bytes after offset {cursor}");
            }

            cursor = info.DataEnd;
            previous = info.Name;
        }

        if (cursor != dataLength)
        {
            throw new SafeTensorsFormatException(source, previous,
                $"tensors cover {cursor} bytes but the data section holds {dataLength} bytes (trailing bytes unclaimed)");
        }
    }

    // Keeps messages short and free of control characters when a hostile header puts garbage in a name.
    private static string Printable(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 64));
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, 64)))
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return text.Length > 64 ? builder.Append('…').ToString() : builder.ToString();
    }
}
