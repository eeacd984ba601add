using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AuxLosses.Internal;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Kernels;

/// <summary>The embedded source, the host-side launch contract, and the CPU fallback of the fused path.</summary>
public sealed class FusedKernelPackagingTests
{
    private static readonly string[] Compilers = { "/usr/bin/g++", "/usr/local/bin/g++" };

    [Fact]
    public void The_embedded_source_defines_every_entry_point_the_runtime_looks_up()
    {
        var source = FusedKernelSource.Source;
        source.Should().Contain("AUXL_KERNELS(itc, AUXL_ITC)").And.Contain("AUXL_KERNELS(supcon, AUXL_SUPCON)").And.Contain("AUXL_KERNELS(siglip, AUXL_SIGLIP)");
        foreach (var stem in FusedKernelSource.EntryPointStems)
        {
            source.Should().MatchRegex($@"extern ""C"" __global__ void (__launch_bounds__\(AUXL_THREADS\) )?{stem}##NAME\(", $"{stem} is looked up by name");
        }

        foreach (var define in FusedKernelSource.Defines(FusedElement.BFloat16, tensorCores: true))
        {
            source.Should().Contain("#ifndef " + define.Split('=')[0], because: "every injected constant has a default in the source");
        }

        FusedKernelSource.Defines(FusedElement.Float32, tensorCores: false).Should().Contain($"AUXL_TILE={FusedKernelSource.Tile}").And.Contain("AUXL_MMA=0");
        FusedKernelSource.Defines(FusedElement.Float16, tensorCores: true).Should().Contain("AUXL_MMA=1").And.Contain("AUXL_ELEMENT=auxl_f16");
        source.Should().Contain("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32")
            .And.Contain("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32")
            .And.Contain("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32");
        source.Should().Contain("#define AUXL_THREADS 128", because: "the tensor-core blocks are TensorCoreThreadsPerBlock threads");
        FusedKernelSource.TensorCoreThreadsPerBlock.Should().Be(128);
    }

    [Theory]
    [InlineData("Float32", 90, true, true)]
    [InlineData("Float32", 90, false, false)]
    [InlineData("BFloat16", 90, false, true)]
    [InlineData("Float16", 80, false, true)]
    [InlineData("BFloat16", 75, true, false)]
    [InlineData("Float32", 70, true, false)]
    public void Tensor_cores_need_sm80_and_for_float32_tf32(string element, int arch, bool allowTf32, bool expected)
    {
        FusedKernelSource.UsesTensorCores(Enum.Parse<FusedElement>(element), arch, allowTf32).Should().Be(expected);
        FusedKernelSource.Threads(expected).Should().Be(expected ? 128 : 256);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("1", true)]
    [InlineData("", true)]
    [InlineData("0", false)]
    [InlineData(" FALSE ", false)]
    [InlineData("off", false)]
    [InlineData("no", false)]
    public void The_tf32_environment_switch_turns_off_only_on_explicit_values(string? value, bool expected) =>
        FusedRuntime.ReadTf32Setting(value).Should().Be(expected);

    [Fact]
    public void Fused_inputs_keep_16_bit_dtypes_and_leave_others_as_prepared()
    {
        using var scope = NewDisposeScope();
        var prepared = randn(3, 4);
        ContrastiveCommon.FusedInput(prepared, ScalarType.BFloat16).dtype.Should().Be(ScalarType.BFloat16);
        ContrastiveCommon.FusedInput(prepared, ScalarType.Float16).dtype.Should().Be(ScalarType.Float16);
        ContrastiveCommon.FusedInput(prepared, ScalarType.Float32).Should().BeSameAs(prepared);
    }

    [Fact]
    public void Grid_splits_fill_the_device_without_exceeding_the_column_tiles()
    {
        FusedKernelSource.Splits(1, 1, 132).Should().Be(1);
        FusedKernelSource.Splits(16384, 16384, 132).Should().Be(2); // 256 row blocks × 2 splits ≥ 2 × 132 SMs
        FusedKernelSource.Splits(1024, 1024, 132).Should().Be(16); // 16 row blocks × 16 splits = 256 blocks
        FusedKernelSource.Splits(70, 70, 132).Should().Be(2);
        FusedKernelSource.Blocks(70).Should().Be(2);
        FusedKernelSource.StatsFloats(70, 140).Should().Be(4 * 70 + 140);
    }

    [Fact]
    public void On_cpu_fused_is_unavailable_with_a_reason_and_losses_run_the_chunked_values()
    {
        FusedKernels.IsAvailable(CPU, out var reason).Should().BeFalse();
        reason.Should().Contain("not CUDA");
        ContrastiveCommon.FusedUsable(CPU, ScalarType.Float32, out var why).Should().BeFalse();
        why.Should().Contain("not CUDA").And.Contain("no fused CUDA");

        // Auto on CPU keeps its size rule (and logs nothing); Fused would run Chunked (see the Contrastive tests for
        // the single trace message, which is logged once per process and so is asserted in one place only).
        ContrastiveCommon.Resolve(ContrastiveImplementation.Auto, 8, CPU, ScalarType.Float32).Should().Be(ContrastiveImplementation.Dense);
        ContrastiveCommon.Resolve(ContrastiveImplementation.Chunked, 8, CPU, ScalarType.Float32).Should().Be(ContrastiveImplementation.Chunked);

        using var scope = NewDisposeScope();
        using var supcon = new SupervisedContrastiveLoss();
        var features = randn(6, 4, dtype: ScalarType.Float64);
        var labels = tensor(new long[] { 0, 1, 0, 1, 2, 2 });
        var value = supcon.forward(features, labels).item<double>();
        double.IsFinite(value).Should().BeTrue();
    }

    [Fact]
    public void Cuda_source_passes_a_host_compiler_syntax_check()
    {
        var gxx = Compilers.FirstOrDefault(File.Exists);
        if (gxx is null)
        {
            return; // No host compiler: the NVRTC compile on the GPU machine is the real check.
        }

        var dir = Directory.CreateTempSubdirectory("auxl-cu-");
        try
        {
            var cu = Path.Combine(dir.FullName, "k.cu");
            var shim = Path.Combine(dir.FullName, "shim.h");
            File.WriteAllText(cu, FusedKernelSource.Source);
            File.WriteAllText(shim, Shim);
            foreach (var (element, tensorCores) in new[] { FusedElement.Float32, FusedElement.BFloat16, FusedElement.Float16 }.SelectMany(e => new[] { (e, false), (e, true) }))
            {
                var psi = new ProcessStartInfo(gxx) { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var a in new[] { "-std=c++14", "-fsyntax-only", "-include", shim, "-x", "c++", cu })
                {
                    psi.ArgumentList.Add(a);
                }

                foreach (var define in FusedKernelSource.Defines(element, tensorCores))
                {
                    psi.ArgumentList.Add("-D" + define);
                }

                using var process = Process.Start(psi)!;
                var errors = process.StandardError.ReadToEnd();
                process.WaitForExit();
                process.ExitCode.Should().Be(0, $"{element}, tensor cores {tensorCores}: {errors}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // Just enough CUDA vocabulary for a host compiler to parse the kernels.
    private const string Shim = """
        #include <cmath>
        #define __global__
        #define __device__
        #define __forceinline__ inline
        #define __shared__ static
        #define __launch_bounds__(x)
        #define asm(...) (void)0
        #define auxl_asm_volatile(...) (void)0
        struct auxl_dim3 { unsigned x, y, z; };
        static auxl_dim3 threadIdx, blockIdx, gridDim, blockDim;
        inline void __syncthreads() {}
        inline float __shfl_xor_sync(unsigned, float v, int) { return v; }
        inline double __shfl_xor_sync(unsigned, double v, int) { return v; }
        inline float atomicAdd(float* p, float v) { float o = *p; *p += v; return o; }
        inline double atomicAdd(double* p, double v) { double o = *p; *p += v; return o; }
        """;
}
