using System;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>Input checks shared by the fusion heads and classifiers; messages name the argument, expected and actual values.</summary>
internal static class ModelGuard
{
    public static string Shape(Tensor tensor) => "[" + string.Join(", ", tensor.shape) + "]";

    /// <summary>Floating point, the given rank, non-empty.</summary>
    public static void Floating(Tensor? tensor, string name, int rank)
    {
        if (tensor is null)
        {
            throw new ArgumentNullException(name);
        }

        if (!tensor.is_floating_point())
        {
            throw new ArgumentException($"{name} must be floating point, but its dtype is {tensor.dtype}.", name);
        }

        if (tensor.dim() != rank)
        {
            throw new ArgumentException($"{name} must have rank {rank}, but its shape is {Shape(tensor)}.", name);
        }

        if (tensor.numel() == 0)
        {
            throw new ArgumentException($"{name} must not be empty, but its shape is {Shape(tensor)}.", name);
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> equals <paramref name="size"/>.</summary>
    public static void Size(Tensor tensor, string name, int dim, long size, string what)
    {
        if (tensor.shape[dim] != size)
        {
            throw new ArgumentException($"{name} must have size {size} ({what}) in dimension {dim}, but its shape is {Shape(tensor)}.", name);
        }
    }

    /// <summary>Same device as the reference tensor.</summary>
    public static void SameDevice(Tensor tensor, string name, Tensor reference, string referenceName)
    {
        if (tensor.device_type != reference.device_type || tensor.device_index != reference.device_index)
        {
            throw new ArgumentException($"{name} must be on {referenceName}'s device {reference.device}, but it is on {tensor.device}.", name);
        }
    }

    /// <summary>Integer token ids [N, L] (int64/int32).</summary>
    public static void TokenIds(Tensor? ids, string name)
    {
        if (ids is null)
        {
            throw new ArgumentNullException(name);
        }

        if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32) || ids.dim() != 2 || ids.numel() == 0)
        {
            throw new ArgumentException($"{name} must be a non-empty int64 [N, L] tensor, but it is {ids.dtype} {Shape(ids)}.", name);
        }
    }

    /// <summary>Attention mask with the ids' shape, integer or bool.</summary>
    public static void Mask(Tensor? mask, string name, Tensor ids, string idsName)
    {
        if (mask is null)
        {
            throw new ArgumentNullException(name);
        }

        if (mask.is_floating_point() || mask.is_complex())
        {
            throw new ArgumentException($"{name} must be an integer or bool mask, but its dtype is {mask.dtype}.", name);
        }

        if (!mask.shape.AsSpan().SequenceEqual(ids.shape))
        {
            throw new ArgumentException($"{name} must have {idsName}'s shape {Shape(ids)}, but its shape is {Shape(mask)}.", name);
        }
    }

    /// <summary>Pixels [N, 3, H, W], floating point.</summary>
    public static void Pixels(Tensor? pixels, string name)
    {
        Floating(pixels, name, 4);
    }

    /// <summary>Rows of a batch tensor equal the expected batch size.</summary>
    public static void Rows(Tensor tensor, string name, long rows, string referenceName)
    {
        if (tensor.shape[0] != rows)
        {
            throw new ArgumentException($"{name} must have {rows} rows like {referenceName}, but its shape is {Shape(tensor)}.", name);
        }
    }

    /// <summary>A strictly positive integer option.</summary>
    public static long Positive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, but it is {value}.");
        }

        return value;
    }

    /// <summary>A probability in [0, 1).</summary>
    public static double Probability(double value, string name)
    {
        if (double.IsNaN(value) || value < 0 || value >= 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1), but it is {value}.");
        }

        return value;
    }
}
