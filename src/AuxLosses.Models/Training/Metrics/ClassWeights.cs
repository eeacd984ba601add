using System;
using AuxLosses.Models.Internal;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>Per-class loss weights for imbalanced training sets.</summary>
public static class ClassWeights
{
    /// <summary>
    /// sklearn's <c>compute_class_weight("balanced", classes=np.arange(C), y=labels)</c>:
    /// <code>w_c = n_samples / (n_classes · count_c)</code>
    /// so every class contributes the same total weight (n_samples / C) and a uniform label set gets weight 1.
    /// </summary>
    /// <param name="labels">Training labels, each in [0, <paramref name="numClasses"/>).</param>
    /// <param name="numClasses">Number of classes C ≥ 1.</param>
    /// <returns>C weights, index = class.</returns>
    /// <exception cref="ArgumentException">
    /// Empty labels, a label outside [0, C), or a class with no sample (its weight would be infinite; sklearn raises
    /// "classes should have valid labels that are in y" there). The message names the first missing class.
    /// </exception>
    public static double[] Balanced(ReadOnlySpan<int> labels, int numClasses)
    {
        LabelInput.NumClasses(numClasses);
        LabelInput.NonEmpty(labels.Length, nameof(labels));
        LabelInput.InRange(labels, numClasses, nameof(labels));
        var counts = new long[numClasses];
        foreach (var y in labels)
        {
            counts[y]++;
        }

        var weights = new double[numClasses];
        for (var c = 0; c < numClasses; c++)
        {
            if (counts[c] == 0)
            {
                throw new ArgumentException(
                    $"Class {c} has no sample in {nameof(labels)} (numClasses = {numClasses}); balanced class weights need every class present (sklearn: \"classes should have valid labels that are in y\").",
                    nameof(labels));
            }

            weights[c] = labels.Length / ((double)numClasses * counts[c]);
        }

        return weights;
    }

    /// <summary>
    /// <see cref="Balanced(ReadOnlySpan{int}, int)"/> for a 1-D integer label tensor (any device; copied to the host).
    /// </summary>
    /// <param name="labels">Training labels [N], integer dtype, values in [0, C).</param>
    /// <param name="numClasses">Number of classes C ≥ 1.</param>
    /// <returns>C weights, index = class.</returns>
    /// <exception cref="ArgumentException">Wrong rank or dtype, empty, a label outside [0, C), or a class with no sample.</exception>
    public static double[] Balanced(Tensor labels, int numClasses)
    {
        LabelInput.NumClasses(numClasses);
        return Balanced(LabelInput.ToHost(labels, numClasses, nameof(labels)), numClasses);
    }

    /// <summary>
    /// The balanced weights as a tensor [C] ready for a weighted cross-entropy (e.g.
    /// <c>nn.CrossEntropyLoss(weight: ...)</c>), on <paramref name="device"/> (CPU when null).
    /// </summary>
    /// <param name="labels">Training labels, each in [0, <paramref name="numClasses"/>).</param>
    /// <param name="numClasses">Number of classes C ≥ 1.</param>
    /// <param name="dtype">Floating dtype of the result (float32 by default).</param>
    /// <param name="device">Target device; CPU when null.</param>
    /// <returns>A new tensor [C] in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">As <see cref="Balanced(ReadOnlySpan{int}, int)"/>, or a non-floating <paramref name="dtype"/>.</exception>
    public static Tensor BalancedTensor(ReadOnlySpan<int> labels, int numClasses, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"{nameof(dtype)} must be a floating dtype; got {dtype}.", nameof(dtype));
        }

        var weights = Balanced(labels, numClasses);
        return tensor(weights, dtype: ScalarType.Float64).to(dtype, device ?? CPU);
    }
}
