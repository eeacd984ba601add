using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// An open safetensors file (or seekable stream) whose header has been read and validated; tensors are read one
/// at a time on demand, straight from their byte range into the tensor's storage, so loading one tensor never
/// reads the rest of the file. Reads are serialized by a lock, so one reader may be shared across threads.
/// </summary>
/// <remarks>Create it with <see cref="SafeTensors.Open(string)"/> or <see cref="SafeTensors.Open(Stream, string, bool)"/>.</remarks>
public sealed class SafeTensorsReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;
    private readonly object _gate = new();
    private bool _disposed;

    internal SafeTensorsReader(Stream stream, string source, bool ownsStream, long maxHeaderBytes)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Source = source;
        try
        {
            if (!stream.CanSeek || !stream.CanRead)
            {
                throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
            }

            var length = stream.Length;
            Span<byte> prefix = stackalloc byte[8];
            if (length < 8)
            {
                throw new SafeTensorsFormatException(source, null, $"file is {length} bytes, shorter than the 8-byte header length prefix");
            }

            stream.Position = 0;
            stream.ReadExactly(prefix);
            // Checked against the file length and the cap before a single header byte is allocated.
            var headerLength = SafeTensorsHeader.CheckHeaderLength(source, BinaryPrimitives.ReadUInt64LittleEndian(prefix), length, maxHeaderBytes);
            var json = new byte[headerLength];
            stream.ReadExactly(json);
            _dataStart = 8L + headerLength;
            (_tensors, var metadata) = SafeTensorsHeader.Parse(source, json, length - _dataStart);
            Metadata = metadata;
            Tensors = _tensors;
            Names = [.. _tensors.Values.OrderBy(t => t.DataBegin).ThenBy(t => t.Name, StringComparer.Ordinal).Select(t => t.Name)];
        }
        catch
        {
            if (ownsStream)
            {
                stream.Dispose();
            }

            throw;
        }
    }

    /// <summary>The file path, or the description given for a stream; used in exception messages.</summary>
    public string Source { get; }

    /// <summary>Every tensor entry of the header, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>Tensor names in file order (by data offset).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the header has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>
    /// Reads one tensor into a new CPU tensor of the stored dtype and shape (reading only its byte range).
    /// The tensor joins the caller's current dispose scope, like any TorchSharp factory result.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists how many there are.</exception>
    /// <exception cref="SafeTensorsFormatException">The stored bytes are not valid for the dtype (a BOOL byte other than 0/1)
    /// or the file was truncated after it was opened.</exception>
    public Tensor ReadTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_tensors.TryGetValue(name, out var info))
        {
            throw new KeyNotFoundException($"Safetensors file '{Source}' has no tensor '{name}' (it holds {_tensors.Count} tensors).");
        }

        var tensor = empty(info.ShapeArray(), dtype: info.DType);
        try
        {
            bool valid;
            lock (_gate)
            {
                _stream.Position = _dataStart + info.DataBegin;
                valid = TensorBytes.ReadInto(tensor, _stream);
            }

            if (!valid)
            {
                throw new SafeTensorsFormatException(Source, name, "BOOL tensor holds a byte other than 0 or 1");
            }

            return tensor;
        }
        catch (EndOfStreamException e)
        {
            tensor.Dispose();
            throw new SafeTensorsFormatException(Source, name, "file ended inside the tensor's data (truncated after opening?)", e);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Reads every tensor (in file order) into a new dictionary of CPU tensors owned by the caller.</summary>
    public Dictionary<string, Tensor> ReadAll()
    {
        var result = new Dictionary<string, Tensor>(_tensors.Count, StringComparer.Ordinal);
        try
        {
            foreach (var name in Names)
            {
                result.Add(name, ReadTensor(name));
            }
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return result;
    }

    /// <summary>Closes the underlying file (or the stream, when the reader owns it).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
