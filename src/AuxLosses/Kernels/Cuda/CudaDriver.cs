using System;
using System.Runtime.InteropServices;

namespace AuxLosses.Internal;

/// <summary>
/// The few CUDA driver API entry points the fused kernels need, bound at run time from libcuda (never linked), so the
/// library loads and runs on machines without a GPU. Every call checks its CUresult and throws with the driver's text.
/// </summary>
internal static class CudaDriver
{
    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;

    private static readonly object Gate = new();
    private static readonly string[] LibraryNames = { "libcuda.so.1", "libcuda.so", "nvcuda.dll" };
    private static Api? api;
    private static string? loadError;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int InitFn(uint flags);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceGetCountFn(out int count);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceGetFn(out int device, int ordinal);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceGetAttributeFn(out int value, int attribute, int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int PrimaryCtxRetainFn(out IntPtr context, int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int CtxSetCurrentFn(IntPtr context);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int CtxGetCurrentFn(out IntPtr context);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int CtxSynchronizeFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int ModuleLoadDataFn(out IntPtr module, byte[] image);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int ModuleGetFunctionFn(out IntPtr function, IntPtr module, [MarshalAs(UnmanagedType.LPStr)] string name);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int LaunchKernelFn(IntPtr function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ, uint sharedBytes, IntPtr stream, IntPtr kernelParams, IntPtr extra);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int GetErrorStringFn(int error, out IntPtr text);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemAllocFn(out IntPtr pointer, UIntPtr bytes);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemFreeFn(IntPtr pointer);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemcpyHtoDFn(IntPtr destination, IntPtr source, UIntPtr bytes);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemcpyDtoHFn(IntPtr destination, IntPtr source, UIntPtr bytes);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemsetD8Fn(IntPtr pointer, byte value, UIntPtr count);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventCreateFn(out IntPtr cuEvent, uint flags);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventRecordFn(IntPtr cuEvent, IntPtr stream);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventSynchronizeFn(IntPtr cuEvent);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventElapsedTimeFn(out float milliseconds, IntPtr start, IntPtr end);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventDestroyFn(IntPtr cuEvent);

    /// <summary>The bound entry points (loaded once per process).</summary>
    public sealed class Api
    {
        public required InitFn Init { get; init; }
        public required DeviceGetCountFn DeviceGetCount { get; init; }
        public required DeviceGetFn DeviceGet { get; init; }
        public required DeviceGetAttributeFn DeviceGetAttribute { get; init; }
        public required PrimaryCtxRetainFn PrimaryCtxRetain { get; init; }
        public required CtxSetCurrentFn CtxSetCurrent { get; init; }
        public required CtxGetCurrentFn CtxGetCurrent { get; init; }
        public required CtxSynchronizeFn CtxSynchronize { get; init; }
        public required ModuleLoadDataFn ModuleLoadData { get; init; }
        public required ModuleGetFunctionFn ModuleGetFunction { get; init; }
        public required LaunchKernelFn LaunchKernel { get; init; }
        public required GetErrorStringFn GetErrorString { get; init; }
        public required MemAllocFn MemAlloc { get; init; }
        public required MemFreeFn MemFree { get; init; }
        public required MemcpyHtoDFn MemcpyHtoD { get; init; }
        public required MemcpyDtoHFn MemcpyDtoH { get; init; }
        public required MemsetD8Fn MemsetD8 { get; init; }
        public required EventCreateFn EventCreate { get; init; }
        public required EventRecordFn EventRecord { get; init; }
        public required EventSynchronizeFn EventSynchronize { get; init; }
        public required EventElapsedTimeFn EventElapsedTime { get; init; }
        public required EventDestroyFn EventDestroy { get; init; }
    }

    /// <summary>libcuda bound and cuInit done, or null with <paramref name="reason"/>.</summary>
    public static Api? TryGet(out string reason)
    {
        lock (Gate)
        {
            if (api is null && loadError is null)
            {
                try
                {
                    api = Load();
                }
#pragma warning disable CA1031 // Any failure to bind the driver means "no fused kernels", never a crash.
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

    /// <summary>The bound API; throws when libcuda is unavailable.</summary>
    public static Api Get() => TryGet(out var reason) ?? throw new InvalidOperationException(reason);

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the call and the driver's error text unless <paramref name="result"/> is CUDA_SUCCESS.</summary>
    public static void Check(int result, string call)
    {
        if (result == 0)
        {
            return;
        }

        var text = "unknown error";
        if (api is not null && api.GetErrorString(result, out var p) == 0 && p != IntPtr.Zero)
        {
            text = Marshal.PtrToStringAnsi(p) ?? text;
        }

        throw new InvalidOperationException($"AuxLosses fused kernels: {call} failed with CUDA error {result} ({text}).");
    }

    /// <summary>Makes device <paramref name="ordinal"/>'s primary context (the one libtorch uses) current on this thread.</summary>
    public static void UsePrimaryContext(int ordinal)
    {
        var a = Get();
        Check(a.DeviceGet(out var device, ordinal), "cuDeviceGet");
        Check(a.PrimaryCtxRetain(out var context, device), "cuDevicePrimaryCtxRetain");
        Check(a.CtxGetCurrent(out var current), "cuCtxGetCurrent");
        if (current != context)
        {
            Check(a.CtxSetCurrent(context), "cuCtxSetCurrent");
        }
    }

    /// <summary>cuDeviceGetAttribute for device <paramref name="ordinal"/>.</summary>
    public static int Attribute(int ordinal, int attribute)
    {
        var a = Get();
        Check(a.DeviceGet(out var device, ordinal), "cuDeviceGet");
        Check(a.DeviceGetAttribute(out var value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }

    private static Api Load()
    {
        var handle = NativeLibraryLocator.Load("CUDA driver (libcuda)", "AUXLOSSES_LIBCUDA", LibraryNames, "libcuda.so*", Array.Empty<string>());
        T F<T>(string name) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibraryLocator.Export(handle, name));
        var loaded = new Api
        {
            Init = F<InitFn>("cuInit"),
            DeviceGetCount = F<DeviceGetCountFn>("cuDeviceGetCount"),
            DeviceGet = F<DeviceGetFn>("cuDeviceGet"),
            DeviceGetAttribute = F<DeviceGetAttributeFn>("cuDeviceGetAttribute"),
            PrimaryCtxRetain = F<PrimaryCtxRetainFn>("cuDevicePrimaryCtxRetain"),
            CtxSetCurrent = F<CtxSetCurrentFn>("cuCtxSetCurrent"),
            CtxGetCurrent = F<CtxGetCurrentFn>("cuCtxGetCurrent"),
            CtxSynchronize = F<CtxSynchronizeFn>("cuCtxSynchronize"),
            ModuleLoadData = F<ModuleLoadDataFn>("cuModuleLoadData"),
            ModuleGetFunction = F<ModuleGetFunctionFn>("cuModuleGetFunction"),
            LaunchKernel = F<LaunchKernelFn>("cuLaunchKernel"),
            GetErrorString = F<GetErrorStringFn>("cuGetErrorString"),
            MemAlloc = F<MemAllocFn>("cuMemAlloc_v2"),
            MemFree = F<MemFreeFn>("cuMemFree_v2"),
            MemcpyHtoD = F<MemcpyHtoDFn>("cuMemcpyHtoD_v2"),
            MemcpyDtoH = F<MemcpyDtoHFn>("cuMemcpyDtoH_v2"),
            MemsetD8 = F<MemsetD8Fn>("cuMemsetD8_v2"),
            EventCreate = F<EventCreateFn>("cuEventCreate"),
            EventRecord = F<EventRecordFn>("cuEventRecord"),
            EventSynchronize = F<EventSynchronizeFn>("cuEventSynchronize"),
            EventElapsedTime = F<EventElapsedTimeFn>("cuEventElapsedTime"),
            EventDestroy = F<EventDestroyFn>("cuEventDestroy_v2"),
        };
        var init = loaded.Init(0);
        if (init != 0)
        {
            throw new InvalidOperationException($"cuInit failed with CUDA error {init} (no usable GPU or driver).");
        }

        if (loaded.DeviceGetCount(out var count) != 0 || count == 0)
        {
            throw new InvalidOperationException("the CUDA driver reports no device.");
        }

        return loaded;
    }
}
