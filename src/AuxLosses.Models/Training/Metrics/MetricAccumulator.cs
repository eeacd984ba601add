using System;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Accumulates a confusion matrix over evaluation batches and yields <see cref="ClassificationMetrics"/>;
/// the result equals a one-shot <see cref="ClassificationMetrics.Compute(ReadOnlySpan{int}, ReadOnlySpan{int}, int, double)"/>
/// over the concatenated batches.
/// </summary>
/// <remarks>
/// Logits [B, C] are reduced with <c>argmax</c> over the class dimension on their own device (ties go to the lowest
/// index, as torch's argmax). Only the B predicted and B true indices then cross to the host (one synchronization,
/// plus one for the NaN/Inf check of logits), where they are counted exactly and deterministically.
/// </remarks>
public sealed class MetricAccumulator
{
    private readonly long[,] _confusion;

    /// <summary>Creates an empty accumulator for <paramref name="numClasses"/> classes.</summary>
    /// <param name="numClasses">Number of classes C ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> &lt; 1.</exception>
    public MetricAccumulator(int numClasses)
    {
        NumClasses = LabelInput.NumClasses(numClasses);
        _confusion = new long[numClasses, numClasses];
    }

    /// <summary>Number of classes C.</summary>
    public int NumClasses { get; }

    /// <summary>Number of samples added since construction or the last <see cref="Reset"/>.</summary>
    public long Count { get; private set; }

    /// <summary>
    /// Adds a batch given as logits [B, C] (floating, finite; the prediction is the argmax) or as predicted
    /// classes [B] (integer dtype), with targets [B] (integer dtype) on the same device.
    /// </summary>
    /// <param name="outputs">Logits/probabilities [B, C] or predicted class indices [B].</param>
    /// <param name="targets">True classes [B], values in [0, C).</param>
    /// <exception cref="ArgumentException">Wrong rank, dtype or width; NaN/Inf logits; empty batch; length or device mismatch; a label outside [0, C).</exception>
    public void Add(Tensor outputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        LabelInput.Vector(targets, nameof(targets));
        if (outputs.device.ToString() != targets.device.ToString())
        {
            throw new ArgumentException($"{nameof(outputs)} is on {outputs.device} but {nameof(targets)} is on {targets.device}; they must share a device.", nameof(targets));
        }

        using var scope = NewDisposeScope();
        Tensor predictions;
        if (outputs.is_floating_point())
        {
            if (outputs.dim() != 2 || outputs.shape[1] != NumClasses)
            {
                throw new ArgumentException($"{nameof(outputs)} logits must be [B, {NumClasses}]; got {LabelInput.Shape(outputs)}.", nameof(outputs));
            }

            if (!isfinite(outputs).all().item<bool>())
            {
                throw new ArgumentException($"{nameof(outputs)} contains NaN or Inf.", nameof(outputs));
            }

            predictions = outputs.argmax(1);
        }
        else if (LabelInput.IsInteger(outputs.dtype))
        {
            if (outputs.dim() != 1)
            {
                throw new ArgumentException($"{nameof(outputs)} predictions must be 1-D [B] (or floating logits [B, C]); got {LabelInput.Shape(outputs)}.", nameof(outputs));
            }

            predictions = outputs.to(ScalarType.Int64);
        }
        else
        {
            throw new ArgumentException($"{nameof(outputs)} must be floating logits [B, C] or integer predictions [B]; got dtype {outputs.dtype}.", nameof(outputs));
        }

        if (predictions.shape[0] != targets.shape[0])
        {
            throw new ArgumentException($"{nameof(outputs)} has {predictions.shape[0]} samples but {nameof(targets)} has {targets.shape[0]}.", nameof(targets));
        }

        if (predictions.shape[0] == 0)
        {
            throw new ArgumentException($"{nameof(outputs)} must contain at least one sample.", nameof(outputs));
        }

        // Only the 2·B class indices cross to the host; counting there avoids CUDA bincount/scatter_add,
        // which torch flags as non-deterministic, and range-checks before any cell is touched.
        var pairs = stack([predictions, targets.to(ScalarType.Int64)]).cpu();
        var flat = pairs.data<long>().ToArray();
        var b = (int)predictions.shape[0];
        var p = new int[b];
        var t = new int[b];
        for (var i = 0; i < b; i++)
        {
            p[i] = Checked(flat[i], i, nameof(outputs));
            t[i] = Checked(flat[b + i], i, nameof(targets));
        }

        for (var i = 0; i < b; i++)
        {
            _confusion[t[i], p[i]]++;
        }

        Count += predictions.shape[0];
    }

    /// <summary>Adds a batch of predicted and true class indices.</summary>
    /// <param name="predictions">Predicted classes, values in [0, C).</param>
    /// <param name="targets">True classes, same length, values in [0, C).</param>
    /// <exception cref="ArgumentException">Empty batch, different lengths, or a label outside [0, C).</exception>
    public void Add(ReadOnlySpan<int> predictions, ReadOnlySpan<int> targets)
    {
        LabelInput.NonEmpty(targets.Length, nameof(targets));
        LabelInput.SameLength(predictions.Length, nameof(predictions), targets.Length, nameof(targets));
        LabelInput.InRange(predictions, NumClasses, nameof(predictions));
        LabelInput.InRange(targets, NumClasses, nameof(targets));
        for (var i = 0; i < targets.Length; i++)
        {
            _confusion[targets[i], predictions[i]]++;
        }

        Count += targets.Length;
    }

    /// <summary>Metrics over every sample added so far.</summary>
    /// <param name="zeroDivision">Value of a ratio with a zero denominator: 0 (default) or 1.</param>
    /// <returns>The metrics (independent of later additions).</returns>
    /// <exception cref="InvalidOperationException">Nothing has been added.</exception>
    public ClassificationMetrics Compute(double zeroDivision = 0)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("No samples have been added to the accumulator.");
        }

        return ClassificationMetrics.FromConfusionMatrix(_confusion, zeroDivision);
    }

    /// <summary>Forgets every sample added so far (e.g. at the start of an evaluation epoch).</summary>
    public void Reset()
    {
        Array.Clear(_confusion);
        Count = 0;
    }

    private int Checked(long label, int index, string name)
    {
        if (label < 0 || label >= NumClasses)
        {
            throw new ArgumentException($"{name}[{index}] = {label} is outside [0, {NumClasses}) (numClasses = {NumClasses}).", name);
        }

        return (int)label;
    }
}
