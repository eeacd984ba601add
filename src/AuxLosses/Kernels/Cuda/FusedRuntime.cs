using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace AuxLosses.Internal;

/// <summary>Scalar settings of one fused loss evaluation (the kernels' float arguments).</summary>
/// <param name="Kind">Which loss.</param>
/// <param name="MaskDiagonal">Exclude column i from row i (SupCon's a ≠ i).</param>
/// <param name="Smoothing">ITC label smoothing ε.</param>
/// <param name="RowWeight">ITC image→text weight w_r.</param>
/// <param name="ColumnWeight">ITC text→image weight w_c.</param>
/// <param name="Coefficient">SupCon's τ/τ_base factor.</param>
internal readonly record struct FusedLossSpec(FusedLossKind Kind, bool MaskDiagonal, float Smoothing, float RowWeight, float ColumnWeight, float Coefficient);

/// <summary>Device pointers of one forward evaluation (all device memory; labels int64, scalars fp32).</summary>
internal readonly record struct FusedForwardBuffers(IntPtr X, IntPtr Y, IntPtr RowLabels, IntPtr ColumnLabels, IntPtr Scale, IntPtr Bias, IntPtr RowPart, IntPtr ColumnPart, IntPtr Stats, IntPtr Out);

/// <summary>
/// Compiles the embedded kernels once per (element type, architecture), caches the modules, and launches them on
/// the legacy default stream (stream 0, the one libtorch uses unless told otherwise) so they are ordered with the
/// tensor work around them without any synchronisation.
/// </summary>
internal static class FusedRuntime
{
    private static readonly object Gate = new();
    private static readonly Dictionary<(FusedElement Element, int Arch, bool TensorCores), IntPtr> Modules = new();
    private static readonly Dictionary<(IntPtr Module, string Name), IntPtr> Functions = new();
    private static readonly Dictionary<int, string?> DeviceProblems = new();
    private static volatile bool allowTf32 = ReadTf32Setting(Environment.GetEnvironmentVariable("AUXLOSSES_FUSED_TF32"));

    /// <summary>
    /// Whether float32 inputs use TF32 tensor-core products (default true; <c>AUXLOSSES_FUSED_TF32=0</c> starts the
    /// process with false). Read at every launch, so a change applies to the next evaluation.
    /// </summary>
    public static bool AllowTf32
    {
        get => allowTf32;
        set => allowTf32 = value;
    }

    /// <summary>The environment switch: "0", "false", "off" or "no" (any case) disable TF32; anything else keeps it.</summary>
    internal static bool ReadTf32Setting(string? value) =>
        value is null || !(value.Trim() is "0" || value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase)
            || value.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) || value.Trim().Equals("no", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether launches for <paramref name="element"/> on device <paramref name="ordinal"/> use tensor cores now.</summary>
    public static bool UsesTensorCores(int ordinal, FusedElement element) =>
        FusedKernelSource.UsesTensorCores(element, Architecture(ordinal), AllowTf32);

    /// <summary>
    /// Whether device <paramref name="ordinal"/> can run the kernels: libcuda and NVRTC load, the float32 module
    /// compiles and every entry point resolves. The outcome (and reason) is computed once per device.
    /// </summary>
    public static bool TryPrepare(int ordinal, out string reason)
    {
        lock (Gate)
        {
            if (!DeviceProblems.TryGetValue(ordinal, out var problem))
            {
                try
                {
                    CudaDriver.UsePrimaryContext(ordinal);
                    foreach (var kind in new[] { FusedLossKind.ImageText, FusedLossKind.SupCon, FusedLossKind.Sigmoid })
                    {
                        foreach (var stem in FusedKernelSource.EntryPointStems)
                        {
                            Function(ordinal, FusedElement.Float32, UsesTensorCores(ordinal, FusedElement.Float32), stem + FusedKernelSource.Suffix(kind));
                        }
                    }

                    problem = null;
                }
#pragma warning disable CA1031 // Reported as a reason; the caller falls back to the Chunked path.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    problem = e.Message;
                }

                DeviceProblems[ordinal] = problem;
            }

            reason = problem ?? string.Empty;
            return problem is null;
        }
    }

    /// <summary>Multiprocessors of device <paramref name="ordinal"/>.</summary>
    public static int Multiprocessors(int ordinal) => CudaDriver.Attribute(ordinal, CudaDriver.AttributeMultiprocessorCount);

    /// <summary>
    /// Launches forward, finalize and loss: afterwards (in stream order) <c>Out[0]</c> holds the loss, <c>Out[1]</c>
    /// the SupCon anchor count and <c>Stats</c> the O(M + N) statistics backward reads.
    /// </summary>
    public static void Forward(int ordinal, FusedElement element, FusedLossSpec spec, FusedForwardBuffers b, int rows, int columns, int depth, int splits)
    {
        CudaDriver.UsePrimaryContext(ordinal);
        var suffix = FusedKernelSource.Suffix(spec.Kind);
        var rowBlocks = FusedKernelSource.Blocks(rows);
        // One decision per evaluation: all three launches come from the same module.
        var tensorCores = UsesTensorCores(ordinal, element);
        var threads = FusedKernelSource.Threads(tensorCores);
        using (var args = new KernelArgs())
        {
            args.Pointer(b.X).Pointer(b.Y).Pointer(b.RowLabels).Pointer(b.ColumnLabels).Int(rows).Int(columns).Int(depth)
                .Pointer(b.Scale).Pointer(b.Bias).Int(spec.MaskDiagonal ? 1 : 0).Int(splits).Pointer(b.RowPart).Pointer(b.ColumnPart);
            Launch(Function(ordinal, element, tensorCores, "auxl_forward_" + suffix), (uint)rowBlocks, (uint)splits, threads, args);
        }

        using (var args = new KernelArgs())
        {
            args.Pointer(b.RowPart).Pointer(b.ColumnPart).Int(rows).Int(columns).Int(splits).Int(rowBlocks).Pointer(b.Stats);
            var blocks = (Math.Max(rows, columns) + threads - 1) / threads;
            Launch(Function(ordinal, element, tensorCores, "auxl_finalize_" + suffix), (uint)blocks, 1, threads, args);
        }

        using (var args = new KernelArgs())
        {
            args.Pointer(b.Stats).Int(rows).Int(columns).Float(spec.Smoothing).Float(spec.RowWeight).Float(spec.ColumnWeight).Float(spec.Coefficient).Pointer(b.Out);
            Launch(Function(ordinal, element, tensorCores, "auxl_loss_" + suffix), 1, 1, threads, args);
        }
    }

    /// <summary>
    /// Launches the recompute-backward. <paramref name="dx"/>, <paramref name="dy"/> (fp32 [M, D], [N, D]) and
    /// <paramref name="gradScalars"/> (fp64 [2]: ds, db) must be zeroed: the kernel accumulates into them.
    /// </summary>
    public static void Backward(int ordinal, FusedElement element, FusedLossSpec spec, FusedForwardBuffers b, IntPtr upstream, int rows, int columns, int depth, IntPtr dx, IntPtr dy, IntPtr gradScalars)
    {
        CudaDriver.UsePrimaryContext(ordinal);
        using var args = new KernelArgs();
        args.Pointer(b.X).Pointer(b.Y).Pointer(b.RowLabels).Pointer(b.ColumnLabels).Int(rows).Int(columns).Int(depth)
            .Pointer(b.Scale).Pointer(b.Bias).Int(spec.MaskDiagonal ? 1 : 0).Pointer(b.Stats).Pointer(b.Out).Pointer(upstream)
            .Float(spec.Smoothing).Float(spec.RowWeight).Float(spec.ColumnWeight).Float(spec.Coefficient)
            .Pointer(dx).Pointer(dy).Pointer(gradScalars);
        var tensorCores = UsesTensorCores(ordinal, element);
        Launch(Function(ordinal, element, tensorCores, "auxl_backward_" + FusedKernelSource.Suffix(spec.Kind)),
            (uint)FusedKernelSource.Blocks(columns), (uint)FusedKernelSource.Blocks(rows), FusedKernelSource.Threads(tensorCores), args);
    }

    private static int Architecture(int ordinal) =>
        (10 * CudaDriver.Attribute(ordinal, CudaDriver.AttributeComputeCapabilityMajor)) + CudaDriver.Attribute(ordinal, CudaDriver.AttributeComputeCapabilityMinor);

    private static void Launch(IntPtr function, uint gridX, uint gridY, int threads, KernelArgs args) =>
        CudaDriver.Check(CudaDriver.Get().LaunchKernel(function, gridX, gridY, 1, (uint)threads, 1, 1, 0, IntPtr.Zero, args.Build(), IntPtr.Zero), "cuLaunchKernel");

    private static IntPtr Function(int ordinal, FusedElement element, bool tensorCores, string name)
    {
        lock (Gate)
        {
            var arch = Architecture(ordinal);
            if (!Modules.TryGetValue((element, arch, tensorCores), out var module))
            {
                var ptx = Nvrtc.CompileToPtx(FusedKernelSource.Source, "FusedContrastive.cu", arch, FusedKernelSource.Defines(element, tensorCores));
                CudaDriver.Check(CudaDriver.Get().ModuleLoadData(out module, ptx), "cuModuleLoadData");
                Modules[(element, arch, tensorCores)] = module;
            }

            if (!Functions.TryGetValue((module, name), out var function))
            {
                CudaDriver.Check(CudaDriver.Get().ModuleGetFunction(out function, module, name), $"cuModuleGetFunction({name})");
                Functions[(module, name)] = function;
            }

            return function;
        }
    }

    /// <summary>cuLaunchKernel's void** kernelParams: one 8-byte slot per argument in unmanaged memory.</summary>
    private sealed class KernelArgs : IDisposable
    {
        private readonly List<IntPtr> slots = new();
        private IntPtr table;

        public KernelArgs Pointer(IntPtr value)
        {
            var slot = Marshal.AllocHGlobal(8);
            Marshal.WriteIntPtr(slot, value);
            slots.Add(slot);
            return this;
        }

        public KernelArgs Int(int value)
        {
            var slot = Marshal.AllocHGlobal(8);
            Marshal.WriteInt32(slot, value);
            slots.Add(slot);
            return this;
        }

        public KernelArgs Float(float value)
        {
            var slot = Marshal.AllocHGlobal(8);
            Marshal.WriteInt32(slot, BitConverter.SingleToInt32Bits(value));
            slots.Add(slot);
            return this;
        }

        public IntPtr Build()
        {
            table = Marshal.AllocHGlobal(IntPtr.Size * slots.Count);
            for (var i = 0; i < slots.Count; i++)
            {
                Marshal.WriteIntPtr(table, i * IntPtr.Size, slots[i]);
            }

            return table;
        }

        public void Dispose()
        {
            foreach (var slot in slots)
            {
                Marshal.FreeHGlobal(slot);
            }

            if (table != IntPtr.Zero)
            {
                Marshal.FreeHGlobal(table);
            }
        }
    }
}
