using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using AuxLosses.Models.Internal;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Multi-class classification metrics computed from a confusion matrix, with scikit-learn's definitions
/// (<c>accuracy_score</c>, <c>precision_recall_fscore_support(labels=range(C), average=None|"macro"|"weighted"|"micro")</c>,
/// <c>confusion_matrix(labels=range(C))</c>).
/// </summary>
/// <remarks>
/// <para>
/// Per class c, with tp = M[c,c], pred = Σ_r M[r,c] and support = Σ_k M[c,k]:
/// <code>
/// precision_c = tp / pred          recall_c = tp / support
/// F1_c        = 2·P·R / (P + R)    (0 when P + R = 0; equals 2·tp / (2·tp + fp + fn))
/// </code>
/// A ratio whose denominator is 0 takes the <c>zeroDivision</c> value (0 by default, sklearn's
/// <c>zero_division=0</c>; 1 is also accepted, as in sklearn).
/// </para>
/// <para>
/// Every class in [0, C) is counted, including classes absent from both targets and predictions: they get
/// precision = recall = zeroDivision and enter the macro average, exactly as sklearn with
/// <c>labels=range(C)</c>. Macro = unweighted mean over the C classes; weighted = mean weighted by support;
/// micro = ratios of the summed tp / pred / support, which for single-label data over all C classes equal the
/// accuracy.
/// </para>
/// </remarks>
public sealed class ClassificationMetrics
{
    private readonly long[,] _confusion;
    private readonly double[] _precision;
    private readonly double[] _recall;
    private readonly double[] _f1;
    private readonly long[] _support;
    private readonly long[] _predicted;

    private ClassificationMetrics(long[,] confusion, double zeroDivision)
    {
        _confusion = confusion;
        NumClasses = confusion.GetLength(0);
        ZeroDivision = zeroDivision;
        var c = NumClasses;
        _precision = new double[c];
        _recall = new double[c];
        _f1 = new double[c];
        _support = new long[c];
        _predicted = new long[c];

        long correct = 0;
        for (var t = 0; t < c; t++)
        {
            for (var p = 0; p < c; p++)
            {
                _support[t] += confusion[t, p];
                _predicted[p] += confusion[t, p];
            }

            correct += confusion[t, t];
            Count += _support[t];
        }

        Accuracy = (double)correct / Count;
        for (var k = 0; k < c; k++)
        {
            long tp = confusion[k, k];
            _precision[k] = Divide(tp, _predicted[k], zeroDivision);
            _recall[k] = Divide(tp, _support[k], zeroDivision);
            _f1[k] = FScore(_precision[k], _recall[k]);
        }

        MacroPrecision = Mean(_precision);
        MacroRecall = Mean(_recall);
        MacroF1 = Mean(_f1);
        WeightedPrecision = Weighted(_precision, _support, Count);
        WeightedRecall = Weighted(_recall, _support, Count);
        WeightedF1 = Weighted(_f1, _support, Count);

        // Micro: pooled counts. Σ pred = Σ support = Count, so all three equal the accuracy here.
        MicroPrecision = Divide(correct, Count, zeroDivision);
        MicroRecall = Divide(correct, Count, zeroDivision);
        MicroF1 = FScore(MicroPrecision, MicroRecall);
    }

    /// <summary>Number of classes C (the size of every per-class list and of the confusion matrix).</summary>
    public int NumClasses { get; }

    /// <summary>Number of samples N the metrics were computed from.</summary>
    public long Count { get; }

    /// <summary>The value given to a ratio with a zero denominator (0 or 1; sklearn's <c>zero_division</c>).</summary>
    public double ZeroDivision { get; }

    /// <summary>Fraction of samples whose prediction equals the target (sklearn <c>accuracy_score</c>).</summary>
    public double Accuracy { get; }

    /// <summary>Per-class precision tp / (tp + fp), index = class.</summary>
    public IReadOnlyList<double> Precision => _precision;

    /// <summary>Per-class recall tp / (tp + fn), index = class.</summary>
    public IReadOnlyList<double> Recall => _recall;

    /// <summary>Per-class F1 2·P·R / (P + R), index = class.</summary>
    public IReadOnlyList<double> F1 => _f1;

    /// <summary>Per-class support: number of samples whose target is the class (confusion row sums).</summary>
    public IReadOnlyList<long> Support => _support;

    /// <summary>Per-class number of samples predicted as the class (confusion column sums).</summary>
    public IReadOnlyList<long> PredictedCount => _predicted;

    /// <summary>Unweighted mean of per-class precision over all C classes.</summary>
    public double MacroPrecision { get; }

    /// <summary>Unweighted mean of per-class recall over all C classes.</summary>
    public double MacroRecall { get; }

    /// <summary>Unweighted mean of per-class F1 over all C classes (sklearn <c>f1_score(average="macro")</c>).</summary>
    public double MacroF1 { get; }

    /// <summary>Support-weighted mean of per-class precision.</summary>
    public double WeightedPrecision { get; }

    /// <summary>Support-weighted mean of per-class recall (equals <see cref="Accuracy"/>).</summary>
    public double WeightedRecall { get; }

    /// <summary>Support-weighted mean of per-class F1 (sklearn <c>f1_score(average="weighted")</c>).</summary>
    public double WeightedF1 { get; }

    /// <summary>Precision of the pooled counts Σtp / Σ(tp + fp).</summary>
    public double MicroPrecision { get; }

    /// <summary>Recall of the pooled counts Σtp / Σ(tp + fn).</summary>
    public double MicroRecall { get; }

    /// <summary>F1 of <see cref="MicroPrecision"/> and <see cref="MicroRecall"/>.</summary>
    public double MicroF1 { get; }

    /// <summary>Confusion count: samples with target <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    /// <param name="trueClass">Row index (target class), in [0, C).</param>
    /// <param name="predictedClass">Column index (predicted class), in [0, C).</param>
    /// <returns>The count M[trueClass, predictedClass].</returns>
    public long Confusion(int trueClass, int predictedClass)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trueClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(trueClass, NumClasses);
        ArgumentOutOfRangeException.ThrowIfNegative(predictedClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predictedClass, NumClasses);
        return _confusion[trueClass, predictedClass];
    }

    /// <summary>A copy of the confusion matrix [C, C]: rows = true class, columns = predicted class (sklearn's layout).</summary>
    /// <returns>A new array the caller owns.</returns>
    public long[,] GetConfusionMatrix() => (long[,])_confusion.Clone();

    /// <summary>The confusion matrix as an int64 CPU tensor [C, C] (rows = true, columns = predicted).</summary>
    /// <returns>A new tensor in the caller's dispose scope.</returns>
    public Tensor ConfusionMatrixTensor() => tensor(_confusion);

    /// <summary>
    /// Computes the metrics from predicted and true class indices.
    /// </summary>
    /// <param name="predictions">Predicted class per sample, each in [0, <paramref name="numClasses"/>).</param>
    /// <param name="targets">True class per sample, same length as <paramref name="predictions"/>.</param>
    /// <param name="numClasses">Number of classes C ≥ 1; classes never seen still count (sklearn <c>labels=range(C)</c>).</param>
    /// <param name="zeroDivision">Value of a ratio with a zero denominator: 0 (default) or 1.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">Empty inputs, different lengths, or a label outside [0, C).</exception>
    public static ClassificationMetrics Compute(ReadOnlySpan<int> predictions, ReadOnlySpan<int> targets, int numClasses, double zeroDivision = 0)
    {
        LabelInput.NumClasses(numClasses);
        CheckZeroDivision(zeroDivision);
        LabelInput.NonEmpty(targets.Length, nameof(targets));
        LabelInput.SameLength(predictions.Length, nameof(predictions), targets.Length, nameof(targets));
        LabelInput.InRange(predictions, numClasses, nameof(predictions));
        LabelInput.InRange(targets, numClasses, nameof(targets));
        var confusion = new long[numClasses, numClasses];
        for (var i = 0; i < targets.Length; i++)
        {
            confusion[targets[i], predictions[i]]++;
        }

        return new ClassificationMetrics(confusion, zeroDivision);
    }

    /// <summary>
    /// Computes the metrics from 1-D integer tensors of predicted and true class indices (any device; copied to the host).
    /// </summary>
    /// <param name="predictions">Predicted classes [N], integer dtype, values in [0, C).</param>
    /// <param name="targets">True classes [N], integer dtype, values in [0, C).</param>
    /// <param name="numClasses">Number of classes C ≥ 1.</param>
    /// <param name="zeroDivision">Value of a ratio with a zero denominator: 0 (default) or 1.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">Wrong rank or dtype, empty, different lengths, or a label outside [0, C).</exception>
    public static ClassificationMetrics Compute(Tensor predictions, Tensor targets, int numClasses, double zeroDivision = 0)
    {
        LabelInput.NumClasses(numClasses);
        CheckZeroDivision(zeroDivision);
        var p = LabelInput.ToHost(predictions, numClasses, nameof(predictions));
        var t = LabelInput.ToHost(targets, numClasses, nameof(targets));
        LabelInput.SameLength(p.Length, nameof(predictions), t.Length, nameof(targets));
        return Compute(p, t, numClasses, zeroDivision);
    }

    /// <summary>Computes the metrics from a confusion matrix [C, C] (rows = true, columns = predicted).</summary>
    /// <param name="confusionMatrix">Non-negative counts with a positive total; it is copied.</param>
    /// <param name="zeroDivision">Value of a ratio with a zero denominator: 0 (default) or 1.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException">Not square, empty, a negative count, or all counts zero.</exception>
    public static ClassificationMetrics FromConfusionMatrix(long[,] confusionMatrix, double zeroDivision = 0)
    {
        ArgumentNullException.ThrowIfNull(confusionMatrix);
        CheckZeroDivision(zeroDivision);
        int rows = confusionMatrix.GetLength(0), cols = confusionMatrix.GetLength(1);
        if (rows != cols || rows == 0)
        {
            throw new ArgumentException($"{nameof(confusionMatrix)} must be square [C, C] with C ≥ 1; got [{rows}, {cols}].", nameof(confusionMatrix));
        }

        long total = 0;
        foreach (var v in confusionMatrix)
        {
            if (v < 0)
            {
                throw new ArgumentException($"{nameof(confusionMatrix)} counts must be non-negative; found {v}.", nameof(confusionMatrix));
            }

            total += v;
        }

        if (total == 0)
        {
            throw new ArgumentException($"{nameof(confusionMatrix)} must count at least one sample; all counts are 0.", nameof(confusionMatrix));
        }

        return new ClassificationMetrics((long[,])confusionMatrix.Clone(), zeroDivision);
    }

    /// <summary>One-line summary: N, accuracy, macro/weighted/micro F1 (invariant culture, 4 decimals).</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"N={Count} C={NumClasses} accuracy={Accuracy:F4} macroF1={MacroF1:F4} weightedF1={WeightedF1:F4} microF1={MicroF1:F4}");

    /// <summary>
    /// A markdown report like sklearn's <c>classification_report</c>: one row per class (precision, recall,
    /// F1, support), then accuracy and the macro, weighted and micro averages.
    /// </summary>
    /// <param name="classNames">Optional names, one per class; class indices are used when null.</param>
    /// <param name="digits">Decimal places (0–15, default 4).</param>
    /// <returns>The markdown table.</returns>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> has a count other than C.</exception>
    public string ToMarkdown(IReadOnlyList<string>? classNames = null, int digits = 4)
    {
        var names = Names(classNames);
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 15);
        var f = "F" + digits.ToString(CultureInfo.InvariantCulture);
        string N(double v) => v.ToString(f, CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("| class | precision | recall | f1 | support |\n");
        sb.Append("|---|---:|---:|---:|---:|\n");
        for (var k = 0; k < NumClasses; k++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {Escape(names[k])} | {N(_precision[k])} | {N(_recall[k])} | {N(_f1[k])} | {_support[k]} |\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"| accuracy | | | {N(Accuracy)} | {Count} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| macro avg | {N(MacroPrecision)} | {N(MacroRecall)} | {N(MacroF1)} | {Count} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| weighted avg | {N(WeightedPrecision)} | {N(WeightedRecall)} | {N(WeightedF1)} | {Count} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| micro avg | {N(MicroPrecision)} | {N(MicroRecall)} | {N(MicroF1)} | {Count} |\n");
        return sb.ToString();
    }

    /// <summary>The confusion matrix as a markdown table (rows = true class, columns = predicted class).</summary>
    /// <param name="classNames">Optional names, one per class; class indices are used when null.</param>
    /// <returns>The markdown table.</returns>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> has a count other than C.</exception>
    public string ConfusionMatrixToMarkdown(IReadOnlyList<string>? classNames = null)
    {
        var names = Names(classNames);
        var sb = new StringBuilder("| true \\ predicted |");
        foreach (var n in names)
        {
            sb.Append(' ').Append(Escape(n)).Append(" |");
        }

        sb.Append("\n|---|");
        for (var k = 0; k < NumClasses; k++)
        {
            sb.Append("---:|");
        }

        sb.Append('\n');
        for (var t = 0; t < NumClasses; t++)
        {
            sb.Append("| ").Append(Escape(names[t])).Append(" |");
            for (var p = 0; p < NumClasses; p++)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {_confusion[t, p]} |");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private IReadOnlyList<string> Names(IReadOnlyList<string>? classNames)
    {
        if (classNames is null)
        {
            var names = new string[NumClasses];
            for (var k = 0; k < NumClasses; k++)
            {
                names[k] = k.ToString(CultureInfo.InvariantCulture);
            }

            return names;
        }

        if (classNames.Count != NumClasses)
        {
            throw new ArgumentException($"{nameof(classNames)} must have one name per class ({NumClasses}); got {classNames.Count}.", nameof(classNames));
        }

        return classNames;
    }

    // A '|' inside a name would split the markdown cell.
    private static string Escape(string name) => (name ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal);

    private static void CheckZeroDivision(double zeroDivision)
    {
        if (zeroDivision is not (0.0 or 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(zeroDivision), zeroDivision, "zeroDivision must be 0 or 1 (sklearn's zero_division).");
        }
    }

    private static double Divide(long numerator, long denominator, double zeroDivision) =>
        denominator == 0 ? zeroDivision : (double)numerator / denominator;

    // sklearn 1.2: denominator P + R replaced by 1 when 0, so F = 0 there (also with zero_division=1 and one of P, R = 0).
    private static double FScore(double precision, double recall)
    {
        var denom = precision + recall;
        return denom == 0 ? 0 : 2 * precision * recall / denom;
    }

    private static double Mean(double[] values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    private static double Weighted(double[] values, long[] weights, long total)
    {
        var sum = 0.0;
        for (var k = 0; k < values.Length; k++)
        {
            sum += values[k] * weights[k];
        }

        return sum / total;
    }
}
