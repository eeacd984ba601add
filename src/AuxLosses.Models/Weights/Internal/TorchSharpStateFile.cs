using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Reads TorchSharp's native state-dict format (what <c>Module.save</c> writes) into a dictionary, so loading
/// it gets the same key mapping and report as safetensors. Layout: LEB128 entry count; per entry a .NET
/// <c>BinaryWriter</c> string (7-bit length + UTF-8), LEB128 dtype, LEB128 rank, LEB128 dims, raw bytes.
/// Every count and size is checked against the bytes left in the file before anything is allocated.
/// </summary>
internal static class TorchSharpStateFile
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        string? key = null;
        try
        {
            var count = Decode(reader, path, null, "entry count");
            // Each entry takes at least 4 bytes (name length, dtype, rank, one name byte or data).
            if (count > stream.Length)
            {
                throw Bad(path, null, $"entry count {count} is impossible for a file of {stream.Length} bytes");
            }

            for (long i = 0; i < count; i++)
            {
                key = null;
                var nameLength = reader.Read7BitEncodedInt();
                if (nameLength < 0 || nameLength > stream.Length - stream.Position)
                {
                    throw Bad(path, null, $"entry {i} has a name length of {nameLength} bytes, past the end of the file");
                }

                key = Encoding.UTF8.GetString(reader.ReadBytes(nameLength));
                var dtypeCode = Decode(reader, path, key, "dtype");
                var dtype = (ScalarType)dtypeCode;
                if (dtypeCode > sbyte.MaxValue || !SafeTensorDTypes.IsSupported(dtype))
                {
                    throw Bad(path, key, $"dtype code {dtypeCode} is not supported");
                }

                var rank = Decode(reader, path, key, "rank");
                if (rank > 64)
                {
                    throw Bad(path, key, $"rank {rank} exceeds 64");
                }

                var shape = new long[rank];
                long bytes = SafeTensorDTypes.ItemSize(dtype);
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = Decode(reader, path, key, "dimension");
                    bytes = shape[d] == 0 ? 0 : bytes > (stream.Length / shape[d]) ? long.MaxValue : bytes * shape[d];
                }

                if (bytes > stream.Length - stream.Position)
                {
                    throw Bad(path, key, $"shape [{string.Join(", ", shape)}] needs more bytes than remain in the file ({stream.Length - stream.Position})");
                }

                if (!result.TryAdd(key, empty(shape, dtype: dtype)))
                {
                    throw Bad(path, key, "duplicate key");
                }

                if (!TensorBytes.ReadInto(result[key], stream))
                {
                    throw Bad(path, key, "bool tensor holds a byte other than 0 or 1");
                }
            }

            if (stream.Position != stream.Length)
            {
                throw Bad(path, null, $"{stream.Length - stream.Position} trailing bytes after the last entry");
            }

            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            Dispose(result);
            throw Bad(path, key, "file is truncated or corrupt", e);
        }
        catch
        {
            Dispose(result);
            throw;
        }
    }

    private static long Decode(BinaryReader reader, string path, string? key, string field)
    {
        long result = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 56)
            {
                throw Bad(path, key, $"{field} is not a valid LEB128 number");
            }

            long b = reader.ReadByte();
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    private static InvalidDataException Bad(string path, string? key, string problem, Exception? inner = null) =>
        new(key is null
            ? $"Invalid TorchSharp weights file '{path}': {problem}"
            : $"Invalid TorchSharp weights file '{path}', tensor '{key}': {problem}", inner);

    private static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }
}
