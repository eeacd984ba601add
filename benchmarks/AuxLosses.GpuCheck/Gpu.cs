using System;
using System.Runtime.InteropServices;
using AuxLosses.Internal;

namespace AuxLosses.GpuCheck;

/// <summary>A cuMemAlloc'd device buffer with typed copies (driver-only mode).</summary>
internal sealed class DeviceBuffer : IDisposable
{
    public DeviceBuffer(long bytes)
    {
        Bytes = Math.Max(bytes, 8);
        CudaDriver.Check(CudaDriver.Get().MemAlloc(out var pointer, (UIntPtr)(ulong)Bytes), "cuMemAlloc");
        Pointer = pointer;
    }

    public IntPtr Pointer { get; private set; }

    public long Bytes { get; }

    public static DeviceBuffer Of<T>(T[] values) where T : unmanaged
    {
        var buffer = new DeviceBuffer((long)values.Length * Marshal.SizeOf<T>());
        buffer.Upload(values);
        return buffer;
    }

    public void Upload<T>(T[] values) where T : unmanaged
    {
        var handle = GCHandle.Alloc(values, GCHandleType.Pinned);
        try
        {
            CudaDriver.Check(CudaDriver.Get().MemcpyHtoD(Pointer, handle.AddrOfPinnedObject(), (UIntPtr)(ulong)((long)values.Length * Marshal.SizeOf<T>())), "cuMemcpyHtoD");
        }
        finally
        {
            handle.Free();
        }
    }

    public T[] Download<T>(long count) where T : unmanaged
    {
        var values = new T[count];
        var handle = GCHandle.Alloc(values, GCHandleType.Pinned);
        try
        {
            CudaDriver.Check(CudaDriver.Get().MemcpyDtoH(handle.AddrOfPinnedObject(), Pointer, (UIntPtr)(ulong)(count * Marshal.SizeOf<T>())), "cuMemcpyDtoH");
        }
        finally
        {
            handle.Free();
        }

        return values;
    }

    public void Zero() => CudaDriver.Check(CudaDriver.Get().MemsetD8(Pointer, 0, (UIntPtr)(ulong)Bytes), "cuMemsetD8");

    public void Dispose()
    {
        if (Pointer != IntPtr.Zero)
        {
            CudaDriver.Get().MemFree(Pointer);
            Pointer = IntPtr.Zero;
        }
    }
}

/// <summary>Mean milliseconds per call measured with CUDA events on the legacy default stream.</summary>
internal static class GpuTimer
{
    public static double Milliseconds(Action work, int warmup, int repetitions)
    {
        var api = CudaDriver.Get();
        for (var i = 0; i < warmup; i++)
        {
            work();
        }

        CudaDriver.Check(api.CtxSynchronize(), "cuCtxSynchronize");
        CudaDriver.Check(api.EventCreate(out var start, 0), "cuEventCreate");
        CudaDriver.Check(api.EventCreate(out var end, 0), "cuEventCreate");
        try
        {
            CudaDriver.Check(api.EventRecord(start, IntPtr.Zero), "cuEventRecord");
            for (var i = 0; i < repetitions; i++)
            {
                work();
            }

            CudaDriver.Check(api.EventRecord(end, IntPtr.Zero), "cuEventRecord");
            CudaDriver.Check(api.EventSynchronize(end), "cuEventSynchronize");
            CudaDriver.Check(api.EventElapsedTime(out var ms, start, end), "cuEventElapsedTime");
            return ms / repetitions;
        }
        finally
        {
            api.EventDestroy(start);
            api.EventDestroy(end);
        }
    }

    /// <summary>Repetitions that keep one measurement near a second, between 3 and 50.</summary>
    public static int Repetitions(int batch) => Math.Clamp((int)(50L * 1024 * 1024 / ((long)batch * batch)), 3, 50);
}

/// <summary>Host-side helpers for inputs and comparisons.</summary>
internal static class HostMath
{
    public static float[] UnitRows(int rows, int depth, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * depth];
        for (var r = 0; r < rows; r++)
        {
            double norm = 0;
            for (var k = 0; k < depth; k++)
            {
                var v = (random.NextDouble() * 2) - 1;
                values[(r * depth) + k] = (float)v;
                norm += v * v;
            }

            for (var k = 0; k < depth; k++)
            {
                values[(r * depth) + k] = RoundToBFloat16((float)(values[(r * depth) + k] / Math.Sqrt(norm)));
            }
        }

        return values;
    }

    /// <summary>Round-to-nearest-even float → bf16 → float, so the same values feed the fp32 and bf16 kernels.</summary>
    public static float RoundToBFloat16(float v)
    {
        var bits = BitConverter.SingleToUInt32Bits(v);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
    }

    public static ushort[] ToBFloat16Bits(float[] values)
    {
        var bits = new ushort[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = (ushort)(BitConverter.SingleToUInt32Bits(RoundToBFloat16(values[i])) >> 16);
        }

        return bits;
    }

    public static (double MaxAbs, double MaxRel) Compare(float[] actual, float[] expected)
    {
        double maxAbs = 0, scale = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }

        return (maxAbs, maxAbs / Math.Max(scale, 1e-30));
    }
}
