using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// <see cref="TensorGuard.Labels"/> for every integer dtype it admits: it reads the label range with
/// <c>item&lt;long&gt;()</c>, which TorchSharp refuses on int32/int16/int8/uint8 tensors, so those are checked
/// through an int64 copy (same values, same device, so the messages are unchanged).
/// </summary>
internal static class LabelGuard
{
    public static void Check(Tensor? labels, string name, long batch, Tensor reference)
    {
        if (labels is { IsInvalid: false } && labels.dtype is ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte)
        {
            using var scope = NewDisposeScope();
            TensorGuard.Labels(labels.to(ScalarType.Int64), name, batch, reference);
            return;
        }

        TensorGuard.Labels(labels, name, batch, reference);
    }
}
