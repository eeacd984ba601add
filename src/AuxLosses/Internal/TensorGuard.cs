using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// Input checks shared by every loss. Each throws an <see cref="ArgumentException"/> (or a subclass) whose
/// message names the argument and states the expected and the actual shape, dtype, device or value, so
/// bad input never reaches native code and never turns into a silent NaN.
/// </summary>
internal static class TensorGuard
{
    /// <summary>Throws unless <paramref name="tensor"/> is non-null, floating point and of one of the given ranks.</summary>
    public static void Features(Tensor? tensor, string name, params int[] ranks)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.IsInvalid)
        {
            throw new ArgumentException($"{name} has been disposed.", name);
        }

        if (!torch.is_floating_point(tensor))
        {
            throw new ArgumentException($"{name} must be a floating-point tensor, but its dtype is {tensor.dtype}.", name);
        }

        if (ranks.Length > 0 && !ranks.Contains((int)tensor.dim()))
        {
            var expected = string.Join(" or ", ranks.Select(r => $"{r}-D"));
            throw new ArgumentException($"{name} must be {expected}, but its shape is {Shape(tensor)}.", name);
        }

        if (tensor.numel() == 0 || tensor.shape[0] == 0)
        {
            throw new ArgumentException($"{name} must hold at least one sample, but its shape is {Shape(tensor)}.", name);
        }
    }

    /// <summary>Throws when <paramref name="tensor"/> contains NaN or ±Inf (one host synchronization).</summary>
    public static void Finite(Tensor tensor, string name)
    {
        using var scope = NewDisposeScope();
        var finite = isfinite(tensor);
        if (!finite.all().item<bool>())
        {
            var bad = (~finite).sum().item<long>();
            throw new ArgumentException($"{name} contains {bad} NaN or infinite value(s); the loss would be NaN.", name);
        }
    }

    /// <summary>Throws unless both tensors have the same shape.</summary>
    public static void SameShape(Tensor a, string nameA, Tensor b, string nameB)
    {
        if (!a.shape.SequenceEqual(b.shape))
        {
            throw new ArgumentException($"{nameA} and {nameB} must have the same shape, but {nameA} is {Shape(a)} and {nameB} is {Shape(b)}.", nameB);
        }
    }

    /// <summary>Throws unless both tensors have the same dtype and device.</summary>
    public static void SameDtypeAndDevice(Tensor a, string nameA, Tensor b, string nameB)
    {
        if (a.dtype != b.dtype)
        {
            throw new ArgumentException($"{nameB} must have the dtype of {nameA} ({a.dtype}), but it is {b.dtype}.", nameB);
        }

        SameDevice(a, nameA, b, nameB);
    }

    /// <summary>Throws unless both tensors live on the same device.</summary>
    public static void SameDevice(Tensor a, string nameA, Tensor b, string nameB)
    {
        if (a.device.type != b.device.type || a.device.index != b.device.index)
        {
            throw new ArgumentException($"{nameB} must be on the device of {nameA} ({a.device}), but it is on {b.device}.", nameB);
        }
    }

    /// <summary>Throws unless <paramref name="tensor"/> has <paramref name="size"/> entries along <paramref name="dim"/>.</summary>
    public static void Size(Tensor tensor, string name, int dim, long size, string what)
    {
        if (tensor.dim() <= dim || tensor.shape[dim] != size)
        {
            throw new ArgumentException($"{name} must have {size} entries along dimension {dim} ({what}), but its shape is {Shape(tensor)}.", name);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="labels"/> is a 1-D integer tensor of length <paramref name="batch"/> on the
    /// device of <paramref name="reference"/>, with values in [0, <paramref name="numClasses"/>) when given, else ≥ 0.
    /// </summary>
    public static void Labels(Tensor? labels, string name, long batch, Tensor reference, long? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        if (labels.IsInvalid)
        {
            throw new ArgumentException($"{name} has been disposed.", name);
        }

        if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte))
        {
            throw new ArgumentException($"{name} must be an integer tensor (int64 or int32), but its dtype is {labels.dtype}.", name);
        }

        if (labels.dim() != 1 || labels.shape[0] != batch)
        {
            throw new ArgumentException($"{name} must have shape [{batch}], but its shape is {Shape(labels)}.", name);
        }

        SameDevice(reference, "the features", labels, name);
        using var scope = NewDisposeScope();
        // item<long>() only reads int64 storage; widen int32/int16/int8/uint8 labels first.
        var wide = labels.to(ScalarType.Int64);
        var min = wide.min().item<long>();
        if (min < 0)
        {
            throw new ArgumentOutOfRangeException(name, min, $"{name} must be non-negative class indices, but the smallest is {min}.");
        }

        if (numClasses is long classes)
        {
            var max = wide.max().item<long>();
            if (max >= classes)
            {
                throw new ArgumentOutOfRangeException(name, max, $"{name} must be below the number of classes ({classes}), but the largest is {max}.");
            }
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and strictly positive.</summary>
    public static double Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite positive number, but it is {value}.");
        }

        return value;
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and non-negative.</summary>
    public static double NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite non-negative number, but it is {value}.");
        }

        return value;
    }

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static double InRange(double value, double low, double high, string name)
    {
        if (!double.IsFinite(value) || value < low || value > high)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [{low}, {high}], but it is {value}.");
        }

        return value;
    }

    /// <summary>Formats a shape as <c>[2, 3]</c>.</summary>
    public static string Shape(Tensor tensor) => "[" + string.Join(", ", tensor.shape) + "]";
}
