using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): an 8-byte little-endian header length N, a UTF-8 JSON
/// header of N bytes mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> plus an
/// optional <c>"__metadata__"</c> string map, then the raw little-endian tensor bytes.
/// </summary>
/// <remarks>
/// <para>Dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL.</para>
/// <para>Reading is defensive: the header length is checked against the file length and <see cref="MaxHeaderBytes"/>
/// before anything is allocated, the JSON is parsed with a depth limit, duplicate keys are rejected, and the
/// data offsets must tile the data section exactly (in range, no overlap, no gap, size = numel · itemsize).
/// Every violation throws <see cref="SafeTensorsFormatException"/> naming the file and the tensor or field.</para>
/// <para>Writing matches the reference writer: tensors ordered by descending alignment then name (so every
/// tensor is aligned to its item size), the header padded with spaces to a multiple of 8 bytes.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header accepted (100 MB), as in the Rust reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Opens a file and validates its header; tensors are then read on demand.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafeTensorsFormatException">The header is malformed.</exception>
    public static SafeTensorsReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        return new SafeTensorsReader(stream, path, ownsStream: true, MaxHeaderBytes);
    }

    /// <summary>Reads the header of a seekable stream; tensors are then read on demand.</summary>
    /// <param name="stream">A readable, seekable stream positioned anywhere (the file starts at position 0).</param>
    /// <param name="sourceName">How exception messages name the stream.</param>
    /// <param name="leaveOpen">When false (default) disposing the reader disposes the stream.</param>
    public static SafeTensorsReader Open(Stream stream, string sourceName = "stream", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new SafeTensorsReader(stream, sourceName, ownsStream: !leaveOpen, MaxHeaderBytes);
    }

    /// <summary>Loads every tensor of a file into new CPU tensors (the caller owns and disposes them).</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var reader = Open(path);
        return reader.ReadAll();
    }

    /// <summary>Loads every tensor of a seekable stream into new CPU tensors.</summary>
    public static Dictionary<string, Tensor> Load(Stream stream, string sourceName = "stream")
    {
        using var reader = Open(stream, sourceName, leaveOpen: true);
        return reader.ReadAll();
    }

    /// <summary>Loads one tensor, reading the header and that tensor's bytes only.</summary>
    public static Tensor LoadTensor(string path, string name)
    {
        using var reader = Open(path);
        return reader.ReadTensor(name);
    }

    /// <summary>Reads and validates the header only: the tensor entries by name.</summary>
    public static IReadOnlyDictionary<string, SafeTensorInfo> ReadHeader(string path)
    {
        using var reader = Open(path);
        return reader.Tensors;
    }

    /// <summary>Reads and validates the header only: the <c>__metadata__</c> map (empty when absent).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var reader = Open(path);
        return reader.Metadata;
    }

    /// <summary>
    /// Writes tensors (any device; non-contiguous ones are made contiguous) and an optional metadata map to a file.
    /// The file is written beside the target and renamed into place, so a failed save never leaves a torn file.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor has a dtype outside the supported set, or a name is empty
    /// or <c>__metadata__</c>; the message names the key.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        Validate(tensors);
        var full = Path.GetFullPath(path);
        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Save(stream, tensors, metadata);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes tensors and an optional metadata map to a stream (from its current position).</summary>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        Validate(tensors);

        // Larger items first keeps every tensor aligned to its item size when the header is 8-byte padded.
        var ordered = tensors
            .OrderByDescending(kv => SafeTensorDTypes.ItemSize(kv.Value.dtype))
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(value, $"{nameof(metadata)}[{key}]");
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, tensor) in ordered)
            {
                var bytes = tensor.numel() * SafeTensorDTypes.ItemSize(tensor.dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafeTensorDTypes.Name(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        var padding = (int)((8 - (buffer.Length % 8)) % 8);
        for (var i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)buffer.Length);
        stream.Write(prefix);
        buffer.Position = 0;
        buffer.CopyTo(stream);

        foreach (var (_, tensor) in ordered)
        {
            using var scope = NewDisposeScope();
            var cpu = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
            // bytes are only defined for a contiguous layout; contiguous() is a no-op when it already is.
            TensorBytes.Write(cpu.contiguous(), stream);
        }

        stream.Flush();
    }

    private static void Validate(IReadOnlyDictionary<string, Tensor> tensors)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors stores little-endian bytes; big-endian hosts are not supported.");
        }

        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == SafeTensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"Tensor name '{name}' is not allowed: names must be non-empty and not '{SafeTensorsHeader.MetadataKey}'.", nameof(tensors));
            }

            ArgumentNullException.ThrowIfNull(tensor, $"{nameof(tensors)}[{name}]");
            if (!SafeTensorDTypes.IsSupported(tensor.dtype))
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has dtype {tensor.dtype}; safetensors writing supports Float64, Float32, Float16, BFloat16, Int64, Int32, Int16, Int8, Byte and Bool.",
                    nameof(tensors));
            }
        }
    }
}
