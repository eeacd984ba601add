using System;
using System.IO;
using System.Text.Json;
using AuxLosses.Internal;

namespace AuxLosses.GpuCheck;

/// <summary>
/// Runs the kernels on cuMemAlloc'd buffers through the driver API alone (no libtorch): compares them with the
/// reference outputs reference.py wrote and times them.
/// </summary>
internal static class DriverMode
{
    public static void Run(Report report, string? referenceDirectory, int[] sizes, int depth)
    {
        if (CudaDriver.TryGet(out var driverProblem) is null)
        {
            report.Status = "CUDA not available";
            report.Note($"CUDA not available (driver API): {driverProblem}");
            return;
        }

        CudaDriver.UsePrimaryContext(0);
        if (!FusedRuntime.TryPrepare(0, out var problem))
        {
            report.Status = "kernels unavailable";
            report.Note($"Fused kernels could not be prepared: {problem}");
            return;
        }

        report.Note($"driver-only: NVRTC {Nvrtc.TryVersion(out _)}, compute capability {CudaDriver.Attribute(0, CudaDriver.AttributeComputeCapabilityMajor)}.{CudaDriver.Attribute(0, CudaDriver.AttributeComputeCapabilityMinor)}, {FusedRuntime.Multiprocessors(0)} SMs");
        if (referenceDirectory is not null && File.Exists(Path.Combine(referenceDirectory, "manifest.json")))
        {
            // float32 cases with TF32 tensor cores (default) and with exact FMA tiles; bfloat16 cases run once.
            CompareWithReference(report, referenceDirectory);
            FusedKernels.AllowTf32 = false;
            CompareWithReference(report, referenceDirectory, float32Only: true);
            FusedKernels.AllowTf32 = true;
        }
        else
        {
            report.Note("no reference manifest: driver-only correctness skipped");
        }

        foreach (var kind in new[] { FusedLossKind.ImageText, FusedLossKind.SupCon, FusedLossKind.Sigmoid })
        {
            foreach (var element in new[] { FusedElement.Float32, FusedElement.BFloat16 })
            {
                foreach (var batch in sizes)
                {
                    Time(report, kind, element, batch, depth);
                    if (element == FusedElement.Float32)
                    {
                        FusedKernels.AllowTf32 = false;
                        Time(report, kind, element, batch, depth);
                        FusedKernels.AllowTf32 = true;
                    }
                }
            }
        }
    }

    /// <summary>
    /// --emulate: the CPU emulator of the kernels against the reference files (checks reference.py, the .npy reader
    /// and the kernels' math on a machine without a GPU).
    /// </summary>
    public static void Emulate(Report report, string directory) => CompareWithReference(report, directory, emulate: true);

    private static void CompareWithReference(Report report, string directory, bool emulate = false, bool float32Only = false)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
        foreach (var c in manifest.RootElement.GetProperty("cases").EnumerateArray())
        {
            string S(string name) => c.GetProperty(name).GetString()!;
            double D(string name) => c.GetProperty(name).GetDouble();
            int I(string name) => c.GetProperty(name).GetInt32();
            var kind = S("kind") switch { "itc" => FusedLossKind.ImageText, "supcon" => FusedLossKind.SupCon, _ => FusedLossKind.Sigmoid };
            var element = S("dtype") == "bfloat16" ? FusedElement.BFloat16 : FusedElement.Float32;
            if (float32Only && element != FusedElement.Float32)
            {
                continue;
            }

            var spec = new FusedLossSpec(kind, c.GetProperty("mask_diagonal").GetBoolean(), (float)D("smoothing"), (float)D("row_weight"), (float)D("column_weight"), (float)D("coefficient"));
            var (rows, columns, depth) = (I("M"), I("N"), I("D"));
            var x = Npy.ReadFloats(Path.Combine(directory, S("x")));
            var y = Npy.ReadFloats(Path.Combine(directory, S("y")));
            var rl = Npy.ReadLongs(Path.Combine(directory, S("row_labels")));
            var cl = Npy.ReadLongs(Path.Combine(directory, S("column_labels")));
            var (loss, dx, dy, ds, db) = emulate
                ? EmulateOne(spec, x, y, rl, cl, rows, columns, depth, (float)D("scale"), (float)D("bias"))
                : Evaluate(spec, element, x, y, rl, cl, rows, columns, depth, (float)D("scale"), (float)D("bias"));
            var (ax, rx) = HostMath.Compare(dx, Npy.ReadFloats(Path.Combine(directory, S("dx"))));
            var (ay, ry) = HostMath.Compare(dy, Npy.ReadFloats(Path.Combine(directory, S("dy"))));
            var lossDiff = Math.Abs(loss - D("loss"));
            var scalarRel = Math.Max(Math.Abs(ds - D("dscale")) / Math.Max(1, Math.Abs(D("dscale"))), kind == FusedLossKind.Sigmoid ? Math.Abs(db - D("dbias")) / Math.Max(1, Math.Abs(D("dbias"))) : 0);
            // Inputs are exact in the element type, the reference is fp64. Tensor cores: bf16 rounds dS to bf16 for
            // the backward products (2^-9), TF32 rounds the float inputs and dS (2^-11); FMA tiles are exact fp32.
            var tensorCores = !emulate && FusedRuntime.UsesTensorCores(0, element);
            var tolerance = !tensorCores ? (element == FusedElement.BFloat16 ? 1e-3 : 1e-4) : element == FusedElement.BFloat16 ? 1e-2 : 5e-3;
            var path = emulate ? "emulator" : tensorCores ? (element == FusedElement.BFloat16 ? "mma bf16" : "mma TF32") : "FMA fp32";
            var pass = lossDiff <= tolerance * Math.Max(1, Math.Abs(D("loss"))) && Math.Max(rx, ry) <= tolerance && scalarRel <= tolerance;
            report.Checks.Add(new CheckRow(emulate ? "emulator" : "driver", S("kind"), S("name"), S("dtype"), rows, depth, "reference.py (torch fp64)", lossDiff, Math.Max(ax, ay), Math.Max(rx, ry), pass, $"{path}, tol {tolerance:G2}, ds/db rel {scalarRel:E1}"));
        }
    }

    private static (double Loss, float[] Dx, float[] Dy, double Ds, double Db) EmulateOne(FusedLossSpec spec, float[] x, float[] y, long[] rl, long[] cl, int rows, int columns, int depth, float scale, float bias)
    {
        var splits = FusedKernelSource.Splits(rows, columns, 132);
        var (loss, stats, output) = FusedKernelEmulator.Forward(spec, x, y, rl, cl, rows, columns, depth, scale, bias, splits);
        var (dx, dy, ds, db) = FusedKernelEmulator.Backward(spec, x, y, rl, cl, rows, columns, depth, scale, bias, stats, output, 1f);
        return (loss, dx, dy, ds, db);
    }

    /// <summary>One forward + backward on fresh device buffers; returns host copies.</summary>
    public static (double Loss, float[] Dx, float[] Dy, double Ds, double Db) Evaluate(FusedLossSpec spec, FusedElement element, float[] x, float[] y, long[] rowLabels, long[] columnLabels, int rows, int columns, int depth, float scale, float bias)
    {
        using var bufs = new Buffers(spec, element, x, y, rowLabels, columnLabels, rows, columns, depth, scale, bias);
        bufs.Forward();
        bufs.Backward();
        CudaDriver.Check(CudaDriver.Get().CtxSynchronize(), "cuCtxSynchronize (kernel execution)");
        var output = bufs.Out.Download<float>(2);
        var grads = bufs.GradScalars.Download<double>(2);
        return (output[0], bufs.Dx.Download<float>((long)rows * depth), bufs.Dy.Download<float>((long)columns * depth), grads[0], grads[1]);
    }

    private static void Time(Report report, FusedLossKind kind, FusedElement element, int batch, int depth)
    {
        try
        {
            var x = HostMath.UnitRows(batch, depth, 1);
            var y = kind == FusedLossKind.SupCon ? x : HostMath.UnitRows(batch, depth, 2);
            var labels = new long[batch];
            for (var i = 0; i < batch; i++)
            {
                labels[i] = kind == FusedLossKind.SupCon ? i % Math.Max(1, batch / 8) : i;
            }

            var spec = new FusedLossSpec(kind, kind == FusedLossKind.SupCon, 0f, 0.5f, 0.5f, 1f);
            using var bufs = new Buffers(spec, element, x, y, labels, labels, batch, batch, depth, kind == FusedLossKind.Sigmoid ? 10f : 14.285714f, -10f);
            var reps = GpuTimer.Repetitions(batch);
            var forward = GpuTimer.Milliseconds(bufs.Forward, 2, reps);
            var both = GpuTimer.Milliseconds(() => { bufs.Forward(); bufs.Backward(); }, 2, reps);
            var path = FusedRuntime.UsesTensorCores(0, element) ? (element == FusedElement.BFloat16 ? "mma bf16" : "mma TF32") : "FMA fp32";
            report.Timings.Add(new TimingRow("driver", Name(kind), "Fused", element == FusedElement.BFloat16 ? "bfloat16" : "float32", batch, depth, reps, forward, both, $"kernels only (no autograd), {path}"));
        }
        catch (Exception e)
        {
            report.Note($"driver timing {kind} {element} B={batch} failed: {e.Message}");
        }
    }

    public static string Name(FusedLossKind kind) => kind switch { FusedLossKind.ImageText => "ITC", FusedLossKind.SupCon => "SupCon", _ => "SigLIP" };

    /// <summary>Device buffers of one problem, reusable across forward/backward launches.</summary>
    private sealed class Buffers : IDisposable
    {
        private readonly FusedLossSpec spec;
        private readonly FusedElement element;
        private readonly int rows, columns, depth, splits;
        private readonly DeviceBuffer x, y, rowLabels, columnLabels, scale, bias, rowPart, columnPart, stats, upstream;

        public Buffers(FusedLossSpec spec, FusedElement element, float[] xs, float[] ys, long[] rl, long[] cl, int rows, int columns, int depth, float scaleValue, float biasValue)
        {
            (this.spec, this.element, this.rows, this.columns, this.depth) = (spec, element, rows, columns, depth);
            splits = FusedKernelSource.Splits(rows, columns, FusedRuntime.Multiprocessors(0));
            x = element == FusedElement.BFloat16 ? DeviceBuffer.Of(HostMath.ToBFloat16Bits(xs)) : DeviceBuffer.Of(xs);
            y = element == FusedElement.BFloat16 ? DeviceBuffer.Of(HostMath.ToBFloat16Bits(ys)) : DeviceBuffer.Of(ys);
            rowLabels = DeviceBuffer.Of(rl);
            columnLabels = DeviceBuffer.Of(cl);
            scale = DeviceBuffer.Of(new[] { scaleValue });
            bias = DeviceBuffer.Of(new[] { biasValue });
            upstream = DeviceBuffer.Of(new[] { 1f });
            rowPart = new DeviceBuffer(4 * FusedKernelSource.RowPartFloats(rows, splits));
            columnPart = new DeviceBuffer(4 * FusedKernelSource.ColumnPartFloats(rows, columns));
            stats = new DeviceBuffer(4 * FusedKernelSource.StatsFloats(rows, columns));
            Out = new DeviceBuffer(8);
            Dx = new DeviceBuffer(4L * rows * depth);
            Dy = new DeviceBuffer(4L * columns * depth);
            GradScalars = new DeviceBuffer(16);
        }

        public DeviceBuffer Out { get; }

        public DeviceBuffer Dx { get; }

        public DeviceBuffer Dy { get; }

        public DeviceBuffer GradScalars { get; }

        private FusedForwardBuffers Pointers => new(x.Pointer, y.Pointer, rowLabels.Pointer, columnLabels.Pointer, scale.Pointer, bias.Pointer, rowPart.Pointer, columnPart.Pointer, stats.Pointer, Out.Pointer);

        public void Forward() => FusedRuntime.Forward(0, element, spec, Pointers, rows, columns, depth, splits);

        public void Backward()
        {
            Dx.Zero();
            Dy.Zero();
            GradScalars.Zero();
            FusedRuntime.Backward(0, element, spec, Pointers, upstream.Pointer, rows, columns, depth, Dx.Pointer, Dy.Pointer, GradScalars.Pointer);
        }

        public void Dispose()
        {
            foreach (var b in new[] { x, y, rowLabels, columnLabels, scale, bias, rowPart, columnPart, stats, upstream, Out, Dx, Dy, GradScalars })
            {
                b.Dispose();
            }
        }
    }
}
