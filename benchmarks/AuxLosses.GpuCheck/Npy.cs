using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace AuxLosses.GpuCheck;

/// <summary>Minimal reader of NumPy .npy files (little-endian float32 / int64, C order), as reference.py writes them.</summary>
internal static partial class Npy
{
    public static float[] ReadFloats(string path)
    {
        var (descr, _, data) = Read(path);
        if (descr != "<f4")
        {
            throw new InvalidDataException($"{path}: expected <f4, got {descr}.");
        }

        var values = new float[data.Length / 4];
        Buffer.BlockCopy(data, 0, values, 0, data.Length);
        return values;
    }

    public static long[] ReadLongs(string path)
    {
        var (descr, _, data) = Read(path);
        if (descr != "<i8")
        {
            throw new InvalidDataException($"{path}: expected <i8, got {descr}.");
        }

        var values = new long[data.Length / 8];
        Buffer.BlockCopy(data, 0, values, 0, data.Length);
        return values;
    }

    private static (string Descr, long[] Shape, byte[] Data) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException($"{path} is not an .npy file.");
        }

        var major = bytes[6];
        int headerLength, offset;
        if (major == 1)
        {
            headerLength = BitConverter.ToUInt16(bytes, 8);
            offset = 10;
        }
        else
        {
            headerLength = (int)BitConverter.ToUInt32(bytes, 8);
            offset = 12;
        }

        var header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: Fortran order is not supported.");
        }

        var shape = ShapePattern().Match(header).Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var start = offset + headerLength;
        return (descr, shape, bytes[start..]);
    }

    [GeneratedRegex("'descr':\\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex("'shape':\\s*\\(([^)]*)\\)")]
    private static partial Regex ShapePattern();
}
