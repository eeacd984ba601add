using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Weights;

public sealed class SafeTensorsTests
{
    private static readonly ScalarType[] AllDTypes =
    [
        ScalarType.Float64, ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int64,
        ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool,
    ];

    [Fact]
    public void Reads_a_file_written_by_PyTorch_for_every_dtype()
    {
        using var expected = WeightsFixture.Json("weights_dtypes.json");
        var tensors = SafeTensors.Load(WeightsFixture.Path("weights_dtypes.safetensors"));
        try
        {
            var entries = expected.RootElement.GetProperty("tensors");
            tensors.Keys.Should().BeEquivalentTo(entries.EnumerateObject().Select(p => p.Name));
            foreach (var entry in entries.EnumerateObject())
            {
                var t = tensors[entry.Name];
                var dtypeName = entry.Value.GetProperty("dtype").GetString();
                t.dtype.Should().Be(DTypeOf(dtypeName!), entry.Name);
                t.shape.Should().Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), entry.Name);
                var want = entry.Value.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                using var asDouble = t.to_type(ScalarType.Float64).flatten();
                asDouble.data<double>().ToArray().Should().Equal(want, $"{entry.Name} values must match PyTorch bit-for-bit");
            }
        }
        finally
        {
            Dispose(tensors);
        }
    }

    [Fact]
    public void Reads_metadata_and_header_of_the_PyTorch_file()
    {
        var path = WeightsFixture.Path("weights_dtypes.safetensors");
        SafeTensors.ReadMetadata(path).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["producer"] = "generate_weights.py",
        });
        var header = SafeTensors.ReadHeader(path);
        header["bf16"].DType.Should().Be(ScalarType.BFloat16);
        header["bf16"].Shape.Should().Equal(2L, 3L);
        header["bf16"].ByteLength.Should().Be(12);
        header["scalar_f32"].Shape.Should().BeEmpty();
        header["scalar_f32"].ElementCount.Should().Be(1);
        header["empty_f32"].ByteLength.Should().Be(0);
    }

    [Fact]
    public void Round_trips_every_dtype_with_metadata_through_a_file()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var original = new Dictionary<string, Tensor>();
        foreach (var dtype in AllDTypes)
        {
            var source = randn([3, 2, 2], generator: gen) * 50;
            original[$"t.{dtype}"] = dtype == ScalarType.Bool ? source > 0 : source.to_type(dtype);
        }

        original["scalar"] = tensor(3.25f);
        original["empty"] = zeros(0, 5, dtype: ScalarType.Int64);
        original["strided"] = arange(12, dtype: ScalarType.Float32).reshape(3, 4).t();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" };
        var path = dir.File("round.safetensors");

        SafeTensors.Save(path, original, metadata);
        var loaded = SafeTensors.Load(path);

        loaded.Keys.Should().BeEquivalentTo(original.Keys);
        foreach (var (name, t) in original)
        {
            loaded[name].dtype.Should().Be(t.dtype, name);
            loaded[name].shape.Should().Equal(t.shape, name);
            Same(loaded[name], t).Should().BeTrue(name);
        }

        SafeTensors.ReadMetadata(path).Should().BeEquivalentTo(metadata);
        Dispose(loaded);
    }

    [Fact]
    public void Rewriting_the_PyTorch_file_preserves_every_value_and_pads_and_aligns()
    {
        var source = SafeTensors.Load(WeightsFixture.Path("weights_dtypes.safetensors"));
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, source);
        var bytes = stream.ToArray();
        var headerLength = (long)BitConverter.ToUInt64(bytes, 0);
        (headerLength % 8).Should().Be(0, "the header is padded with spaces to 8 bytes");

        stream.Position = 0;
        using var reader = SafeTensors.Open(stream, "rewritten", leaveOpen: true);
        foreach (var info in reader.Tensors.Values)
        {
            (info.DataBegin % ItemSize(info.DType)).Should().Be(0, $"{info.Name} must be aligned to its item size");
            using var t = reader.ReadTensor(info.Name);
            Same(t, source[info.Name]).Should().BeTrue(info.Name);
        }

        Dispose(source);
    }

    [Fact]
    public void Loading_one_tensor_reads_only_the_header_and_that_tensors_bytes()
    {
        using var scope = NewDisposeScope();
        var big = new Dictionary<string, Tensor>
        {
            ["a"] = ones(64, 64),
            ["b"] = full(new long[] { 4 }, 2.0f),
            ["c"] = zeros(64, 64),
        };
        using var buffer = new MemoryStream();
        SafeTensors.Save(buffer, big);
        var headerBytes = 8 + (long)BitConverter.ToUInt64(buffer.GetBuffer(), 0);

        using var counting = new CountingStream(new MemoryStream(buffer.ToArray()));
        using var reader = SafeTensors.Open(counting, "counted", leaveOpen: true);
        var b = reader.ReadTensor("b");

        b.data<float>().ToArray().Should().Equal(2f, 2f, 2f, 2f);
        counting.BytesRead.Should().Be(headerBytes + 16, "only the prefix, the header and b's 16 bytes may be read");
    }

    [Fact]
    public void Unknown_tensor_name_is_a_KeyNotFoundException_naming_it()
    {
        using var reader = SafeTensors.Open(WeightsFixture.Path("weights_dtypes.safetensors"));
        var act = () => reader.ReadTensor("nope");
        act.Should().Throw<KeyNotFoundException>().WithMessage("*weights_dtypes.safetensors*'nope'*");
    }

    [Fact]
    public void Saving_an_unsupported_dtype_names_the_tensor()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor> { ["complex.weight"] = zeros(2, dtype: ScalarType.ComplexFloat32) };
        var act = () => SafeTensors.Save(new MemoryStream(), tensors);
        act.Should().Throw<ArgumentException>().WithMessage("*'complex.weight'*ComplexFloat32*");
    }

    [Fact]
    public void Saving_a_reserved_name_is_rejected()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor> { ["__metadata__"] = zeros(2) };
        var act = () => SafeTensors.Save(new MemoryStream(), tensors);
        act.Should().Throw<ArgumentException>().WithMessage("*__metadata__*");
    }

    [Fact]
    public void Repeated_reads_do_not_leak_tensors()
    {
        using var reader = SafeTensors.Open(WeightsFixture.Path("weights_dtypes.safetensors"));
        void Step()
        {
            using var scope = NewDisposeScope();
            foreach (var name in reader.Names)
            {
                _ = reader.ReadTensor(name).sum();
            }
        }

        LeakCheck.AssertFlat(Step);
    }

    internal static bool Same(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape))
        {
            return false;
        }

        using var scope = NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }

    internal static void Dispose(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }

    private static ScalarType DTypeOf(string name) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unexpected dtype in fixture"),
    };

    private static long ItemSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
