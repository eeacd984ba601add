using System;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// Device addresses of TorchSharp tensors. TorchSharp keeps <c>data_ptr</c> internal, but its native shim exports
/// <c>THSTensor_data(handle)</c>, which returns the address of the first element (storage offset included).
/// </summary>
internal static class TensorPointers
{
    private static readonly Lazy<DataFn?> Data = new(Bind);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr DataFn(IntPtr tensor);

    /// <summary>Whether the export could be bound (it can whenever TorchSharp itself runs).</summary>
    public static bool IsAvailable => Data.Value is not null;

    /// <summary>The address of <paramref name="tensor"/>'s first element; it must be contiguous.</summary>
    public static IntPtr Of(Tensor tensor)
    {
        if (!tensor.is_contiguous())
        {
            throw new ArgumentException("The fused kernels read contiguous tensors only.", nameof(tensor));
        }

        var data = Data.Value ?? throw new InvalidOperationException("THSTensor_data is not exported by the loaded LibTorchSharp.");
        return data(tensor.Handle);
    }

    private static DataFn? Bind()
    {
        foreach (var name in new[] { "LibTorchSharp", "libLibTorchSharp.so", "libLibTorchSharp" })
        {
            if (NativeLibrary.TryLoad(name, typeof(torch).Assembly, null, out var handle) && NativeLibrary.TryGetExport(handle, "THSTensor_data", out var address))
            {
                return Marshal.GetDelegateForFunctionPointer<DataFn>(address);
            }
        }

        return null;
    }
}
