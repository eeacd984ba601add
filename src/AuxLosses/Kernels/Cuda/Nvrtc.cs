using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace AuxLosses.Internal;

/// <summary>NVRTC bound at run time: compiles the embedded CUDA C source to PTX for the device's architecture.</summary>
internal static class Nvrtc
{
    private static readonly object Gate = new();
    private static Api? api;
    private static string? loadError;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CreateProgramFn(out IntPtr program, byte[] source, [MarshalAs(UnmanagedType.LPStr)] string name, int headers, IntPtr headerSources, IntPtr includeNames);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CompileProgramFn(IntPtr program, int optionCount, [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string[] options);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetSizeFn(IntPtr program, out UIntPtr size);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetBytesFn(IntPtr program, byte[] buffer);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int DestroyProgramFn(ref IntPtr program);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr GetErrorStringFn(int result);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int VersionFn(out int major, out int minor);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetNumSupportedArchsFn(out int count);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GetSupportedArchsFn(int[] archs);

    private sealed class Api
    {
        public required CreateProgramFn CreateProgram { get; init; }
        public required CompileProgramFn CompileProgram { get; init; }
        public required GetSizeFn GetPtxSize { get; init; }
        public required GetBytesFn GetPtx { get; init; }
        public required GetSizeFn GetLogSize { get; init; }
        public required GetBytesFn GetLog { get; init; }
        public required DestroyProgramFn DestroyProgram { get; init; }
        public required GetErrorStringFn GetErrorString { get; init; }
        public required VersionFn Version { get; init; }
        public GetNumSupportedArchsFn? GetNumSupportedArchs { get; init; }
        public GetSupportedArchsFn? GetSupportedArchs { get; init; }
    }

    /// <summary>"major.minor" of the loaded NVRTC, or null with <paramref name="reason"/> when it cannot be loaded.</summary>
    public static string? TryVersion(out string reason)
    {
        var a = TryGet(out reason);
        if (a is null)
        {
            return null;
        }

        return a.Version(out var major, out var minor) == 0 ? $"{major}.{minor}" : "unknown";
    }

    /// <summary>
    /// PTX for <paramref name="source"/> compiled for compute_<paramref name="arch"/> (e.g. 90), or for the newest
    /// architecture this NVRTC supports below it (the driver JIT-compiles PTX forward).
    /// </summary>
    public static byte[] CompileToPtx(string source, string name, int arch, string[] defines)
    {
        var a = TryGet(out var reason) ?? throw new InvalidOperationException(reason);
        var target = arch;
        if (a.GetNumSupportedArchs is not null && a.GetSupportedArchs is not null && a.GetNumSupportedArchs(out var count) == 0 && count > 0)
        {
            var archs = new int[count];
            if (a.GetSupportedArchs(archs) == 0 && !archs.Contains(arch))
            {
                var lower = archs.Where(x => x <= arch).DefaultIfEmpty(archs.Min()).Max();
                target = lower;
            }
        }

        // Comments carry math in UTF-8; NVRTC only needs ASCII, so anything else becomes a space.
        var ascii = Encoding.ASCII.GetBytes(new string(source.Select(c => c < 128 ? c : ' ').ToArray()) + "\0");
        Check(a, a.CreateProgram(out var program, ascii, name, 0, IntPtr.Zero, IntPtr.Zero), "nvrtcCreateProgram");
        try
        {
            var options = new[] { $"--gpu-architecture=compute_{target}", "--std=c++14", "-default-device" }.Concat(defines.Select(d => "-D" + d)).ToArray();
            var result = a.CompileProgram(program, options.Length, options);
            if (result != 0)
            {
                throw new InvalidOperationException($"NVRTC could not compile {name} for compute_{target} ({ErrorText(a, result)}): {Log(a, program)}");
            }

            Check(a, a.GetPtxSize(program, out var size), "nvrtcGetPTXSize");
            var ptx = new byte[(int)size.ToUInt64()];
            Check(a, a.GetPtx(program, ptx), "nvrtcGetPTX");
            return ptx;
        }
        finally
        {
            a.DestroyProgram(ref program);
        }
    }

    private static string Log(Api a, IntPtr program)
    {
        if (a.GetLogSize(program, out var size) != 0 || size.ToUInt64() <= 1)
        {
            return "(no log)";
        }

        var log = new byte[(int)size.ToUInt64()];
        return a.GetLog(program, log) == 0 ? Encoding.UTF8.GetString(log).TrimEnd('\0').Trim() : "(no log)";
    }

    private static string ErrorText(Api a, int result) => Marshal.PtrToStringAnsi(a.GetErrorString(result)) ?? $"error {result}";

    private static void Check(Api a, int result, string call)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"AuxLosses fused kernels: {call} failed ({ErrorText(a, result)}).");
        }
    }

    private static Api? TryGet(out string reason)
    {
        lock (Gate)
        {
            if (api is null && loadError is null)
            {
                try
                {
                    api = Load();
                }
#pragma warning disable CA1031 // Any failure to bind NVRTC means "no fused kernels", never a crash.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    loadError = e.Message;
                }
            }

            reason = loadError ?? string.Empty;
            return api;
        }
    }

    private static Api Load()
    {
        var names = new[] { "libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0", "nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll" };
        var handle = NativeLibraryLocator.Load("NVRTC (libnvrtc)", "AUXLOSSES_NVRTC", names, "libnvrtc.so*", Array.Empty<string>());
        T F<T>(string name) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibraryLocator.Export(handle, name));
        T? Optional<T>(string name) where T : Delegate =>
            NativeLibrary.TryGetExport(handle, name, out var p) ? Marshal.GetDelegateForFunctionPointer<T>(p) : null;
        return new Api
        {
            CreateProgram = F<CreateProgramFn>("nvrtcCreateProgram"),
            CompileProgram = F<CompileProgramFn>("nvrtcCompileProgram"),
            GetPtxSize = F<GetSizeFn>("nvrtcGetPTXSize"),
            GetPtx = F<GetBytesFn>("nvrtcGetPTX"),
            GetLogSize = F<GetSizeFn>("nvrtcGetProgramLogSize"),
            GetLog = F<GetBytesFn>("nvrtcGetProgramLog"),
            DestroyProgram = F<DestroyProgramFn>("nvrtcDestroyProgram"),
            GetErrorString = F<GetErrorStringFn>("nvrtcGetErrorString"),
            Version = F<VersionFn>("nvrtcVersion"),
            GetNumSupportedArchs = Optional<GetNumSupportedArchsFn>("nvrtcGetNumSupportedArchs"),
            GetSupportedArchs = Optional<GetSupportedArchsFn>("nvrtcGetSupportedArchs"),
        };
    }
}
