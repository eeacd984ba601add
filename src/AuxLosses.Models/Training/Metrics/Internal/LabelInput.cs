using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>Validation and host copies of integer label vectors shared by the metrics types.</summary>
internal static class LabelInput
{
    public static int NumClasses(int numClasses, string name = "numClasses")
    {
        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException(name, numClasses, $"{name} must be at least 1; got {numClasses}.");
        }

        return numClasses;
    }

    /// <summary>Checks every label lies in [0, numClasses) and names the first offending position.</summary>
    public static void InRange(ReadOnlySpan<int> labels, int numClasses, string name)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)numClasses)
            {
                throw new ArgumentException(
                    $"{name}[{i}] = {labels[i]} is outside [0, {numClasses}) (numClasses = {numClasses}).", name);
            }
        }
    }

    public static void NonEmpty(int length, string name)
    {
        if (length == 0)
        {
            throw new ArgumentException($"{name} must contain at least one label; got an empty sequence.", name);
        }
    }

    public static void SameLength(int a, string nameA, int b, string nameB)
    {
        if (a != b)
        {
            throw new ArgumentException($"{nameA} and {nameB} must have the same length; got {a} and {b}.", nameB);
        }
    }

    /// <summary>
    /// Validates a 1-D integer tensor (non-empty, values in [0, numClasses)) and copies it to the host.
    /// </summary>
    public static int[] ToHost(Tensor? labels, int numClasses, string name)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        Vector(labels, name);
        using var scope = NewDisposeScope();
        using var host = labels.to(DeviceType.CPU).to(ScalarType.Int64);
        var values = host.data<long>().ToArray();
        var result = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] >= numClasses)
            {
                throw new ArgumentException(
                    $"{name}[{i}] = {values[i]} is outside [0, {numClasses}) (numClasses = {numClasses}).", name);
            }

            result[i] = (int)values[i];
        }

        return result;
    }

    /// <summary>Rank 1, non-empty, integer dtype.</summary>
    public static void Vector(Tensor labels, string name)
    {
        if (!IsInteger(labels.dtype))
        {
            throw new ArgumentException($"{name} must have an integer dtype (int64 expected); got {labels.dtype}.", name);
        }

        if (labels.dim() != 1)
        {
            throw new ArgumentException($"{name} must be 1-D [N]; got shape {Shape(labels)}.", name);
        }

        if (labels.shape[0] == 0)
        {
            throw new ArgumentException($"{name} must contain at least one label; got shape {Shape(labels)}.", name);
        }
    }

    public static bool IsInteger(ScalarType dtype) => dtype is ScalarType.Int64 or ScalarType.Int32
        or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;

    public static string Shape(Tensor tensor) => "[" + string.Join(", ", (IEnumerable<long>)tensor.shape) + "]";
}
