using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// A weighted sum of named scalar losses, returning the total to back-propagate and a detached per-term breakdown:
/// <code>
/// L = Σ_k λ_k · term_k
/// </code>
/// Sánchez Villegas, Preoţiuc-Pietro and Aletras, "Improving Multimodal Classification of Social Media Posts by
/// Leveraging Image-Text Auxiliary Tasks" (EACL Findings 2024) train with
/// <code>
/// L = λ1·CE + λ2·ITC + λ3·ITM,   λ1 = 1 − λ2 − λ3,   defaults λ2 = λ3 = 0.1 (so λ1 = 0.8)
/// </code>
/// which <see cref="Paper"/> reproduces with the term names <see cref="CrossEntropy"/>, <see cref="ImageTextContrastive"/>
/// and <see cref="ImageTextMatching"/>.
/// </summary>
/// <example>
/// <code>
/// var objective = JointObjective.Paper();                       // ce 0.8, itc 0.1, itm 0.1
/// using var result = objective.Compute(("ce", ce), ("itc", itc), ("itm", itm));
/// result.Total.backward();
/// Console.WriteLine(result);                                    // total=… ce=… itc=… itm=…
/// </code>
/// </example>
/// <remarks>
/// Names are compared ordinally (case-sensitive). Weights must be finite and ≥ 0; a term whose weight is 0 is
/// disabled: <see cref="Requires"/> reports false so the caller can skip computing it, and if it is supplied anyway
/// it is validated and reported in the breakdown but not added to the total. The objective is a plain object (no
/// tensors), so changing weights between steps with <see cref="SetWeight"/> (e.g. a warm-up schedule) is cheap.
/// </remarks>
public sealed class JointObjective
{
    /// <summary>Name of the main classification cross-entropy term in <see cref="Paper"/>.</summary>
    public const string CrossEntropy = "ce";

    /// <summary>Name of the image-text contrastive term in <see cref="Paper"/>.</summary>
    public const string ImageTextContrastive = "itc";

    /// <summary>Name of the image-text matching term in <see cref="Paper"/>.</summary>
    public const string ImageTextMatching = "itm";

    // Rounding in 1 − λ2 − λ3 may leave a tiny negative λ1 when λ2 + λ3 = 1 exactly.
    private const double RoundingSlack = 1e-12;

    private readonly List<JointObjectiveTerm> terms = new();

    /// <summary>An objective without terms; add them with <see cref="Add"/>.</summary>
    public JointObjective()
    {
    }

    /// <summary>An objective with the given (name, weight) terms, in order.</summary>
    /// <exception cref="ArgumentException">A name is empty or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative, NaN or infinite.</exception>
    public JointObjective(IEnumerable<(string Name, double Weight)> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        foreach (var (name, weight) in terms)
        {
            Add(name, weight);
        }
    }

    /// <summary>The registered terms in registration order.</summary>
    public IReadOnlyList<JointObjectiveTerm> Terms => new ReadOnlyCollection<JointObjectiveTerm>(terms);

    /// <summary>
    /// The paper's objective L = λ1·CE + λ2·ITC + λ3·ITM with λ1 = 1 − λ2 − λ3, terms named <c>"ce"</c>, <c>"itc"</c>, <c>"itm"</c>.
    /// </summary>
    /// <param name="itcWeight">λ2, the ITC weight (paper default 0.1).</param>
    /// <param name="itmWeight">λ3, the ITM weight (paper default 0.1); 0 gives the paper's CE+ITC ablation.</param>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite, or λ2 + λ3 &gt; 1 (λ1 would be negative).</exception>
    public static JointObjective Paper(double itcWeight = 0.1, double itmWeight = 0.1)
    {
        TensorGuard.NonNegative(itcWeight, nameof(itcWeight));
        TensorGuard.NonNegative(itmWeight, nameof(itmWeight));
        var ceWeight = 1.0 - itcWeight - itmWeight;
        if (ceWeight < -RoundingSlack)
        {
            throw new ArgumentOutOfRangeException(nameof(itmWeight), itmWeight,
                $"itcWeight + itmWeight must not exceed 1 (λ1 = 1 − λ2 − λ3 must be ≥ 0), but they are {itcWeight} + {itmWeight} = {itcWeight + itmWeight}.");
        }

        return new JointObjective()
            .Add(CrossEntropy, Math.Max(0.0, ceWeight))
            .Add(ImageTextContrastive, itcWeight)
            .Add(ImageTextMatching, itmWeight);
    }

    /// <summary>Registers a term and returns this objective (for chaining).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is negative, NaN or infinite.</exception>
    public JointObjective Add(string name, double weight)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A term name must be a non-empty string.", nameof(name));
        }

        if (IndexOf(name) >= 0)
        {
            throw new ArgumentException($"The term '{name}' is already registered (terms: {Names()}).", nameof(name));
        }

        terms.Add(new JointObjectiveTerm(name, CheckWeight(name, weight)));
        return this;
    }

    /// <summary>Changes the weight of a registered term (e.g. for a schedule) and returns this objective.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not registered.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is negative, NaN or infinite.</exception>
    public JointObjective SetWeight(string name, double weight)
    {
        var index = IndexOfRegistered(name, nameof(name));
        terms[index] = terms[index] with { Weight = CheckWeight(name, weight) };
        return this;
    }

    /// <summary>The weight λ of a registered term.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not registered.</exception>
    public double Weight(string name) => terms[IndexOfRegistered(name, nameof(name))].Weight;

    /// <summary>
    /// Whether <see cref="Compute(IReadOnlyDictionary{string, Tensor})"/> needs the term: true when it is registered
    /// with a positive weight. Lets a training loop skip computing disabled auxiliary losses.
    /// </summary>
    public bool Requires(string name)
    {
        var index = IndexOf(name);
        return index >= 0 && terms[index].Weight > 0;
    }

    /// <summary>Combines the supplied term values; see <see cref="Compute(IReadOnlyDictionary{string, Tensor})"/>.</summary>
    /// <exception cref="ArgumentException">A name is repeated, or see the dictionary overload.</exception>
    public JointObjectiveResult Compute(params (string Name, Tensor Value)[] terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var supplied = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in terms)
        {
            if (name is null || !supplied.TryAdd(name, value))
            {
                throw new ArgumentException($"The term '{name}' is supplied more than once or has no name.", nameof(terms));
            }
        }

        return Compute(supplied);
    }

    /// <summary>
    /// Returns L = Σ_k λ_k·term_k over the terms with a positive weight, plus the detached value of every supplied term.
    /// </summary>
    /// <param name="terms">
    /// Scalar (one-element) floating-point loss tensors by name, all on one device. Every term with a positive weight
    /// must be present; zero-weight terms may be omitted. Dtypes may differ (the sum follows torch type promotion).
    /// </param>
    /// <returns>A result owning the new <see cref="JointObjectiveResult.Total"/> tensor; see its remarks.</returns>
    /// <exception cref="InvalidOperationException">No registered term has a positive weight.</exception>
    /// <exception cref="ArgumentException">
    /// A required term is missing, a name is not registered, or a term is null, disposed, not floating point, not a
    /// single element, on another device, NaN or infinite; the message names the term.
    /// </exception>
    public JointObjectiveResult Compute(IReadOnlyDictionary<string, Tensor> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (!this.terms.Any(t => t.Weight > 0))
        {
            throw new InvalidOperationException(this.terms.Count == 0
                ? "The objective has no terms; add them with Add(name, weight)."
                : $"No term has a positive weight (terms: {Names()}).");
        }

        foreach (var name in terms.Keys)
        {
            if (IndexOf(name) < 0)
            {
                throw new ArgumentException($"The term '{name}' is not registered in this objective (terms: {Names()}).", nameof(terms));
            }
        }

        // Registration order, so the breakdown and the log line are stable.
        var present = new List<(JointObjectiveTerm Term, Tensor Value)>();
        foreach (var term in this.terms)
        {
            if (terms.TryGetValue(term.Name, out var value))
            {
                present.Add((term, CheckValue(term.Name, value, present.Count > 0 ? present[0] : null, nameof(terms))));
            }
            else if (term.Weight > 0)
            {
                throw new ArgumentException($"The term '{term.Name}' (weight {term.Weight}) is missing; supplied: {string.Join(", ", terms.Keys)}.", nameof(terms));
            }
        }

        using var scope = NewDisposeScope();

        // One host synchronization for all the detached values.
        double[] values;
        using (no_grad())
        {
            values = stack(present.Select(p => p.Value.detach().reshape(1).to(ScalarType.Float64)).ToArray())
                .cpu().data<double>().ToArray();
        }

        for (var k = 0; k < present.Count; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                throw new ArgumentException($"The term '{present[k].Term.Name}' is {values[k]}; the total would not be finite.", nameof(terms));
            }
        }

        Tensor? total = null;
        var breakdown = new Dictionary<string, double>(StringComparer.Ordinal);
        var contributions = new Dictionary<string, double>(StringComparer.Ordinal);
        var totalValue = 0.0;
        for (var k = 0; k < present.Count; k++)
        {
            var (term, value) = present[k];
            breakdown[term.Name] = values[k];
            var contribution = term.Weight * values[k];
            contributions[term.Name] = contribution;
            if (term.Weight > 0)
            {
                // Always a new tensor: the total must never alias a caller's term (Dispose would free it).
                var weighted = value.reshape(Array.Empty<long>()).Times(term.Weight);
                total = total is null ? weighted : total.Plus(weighted);
                totalValue += contribution;
            }
        }

        return new JointObjectiveResult(
            scope.MoveToOuter(total!),
            totalValue,
            present.Select(p => p.Term.Name).ToArray(),
            new ReadOnlyDictionary<string, double>(breakdown),
            new ReadOnlyDictionary<string, double>(contributions));
    }

    private static double CheckWeight(string name, double weight)
    {
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"The weight of '{name}' must be a finite number ≥ 0, but it is {weight}.");
        }

        return weight;
    }

    private static Tensor CheckValue(string name, Tensor? value, (JointObjectiveTerm Term, Tensor Value)? first, string param)
    {
        if (value is null)
        {
            throw new ArgumentNullException(param, $"The term '{name}' is null.");
        }

        if (value.IsInvalid)
        {
            throw new ArgumentException($"The term '{name}' has been disposed.", param);
        }

        if (!is_floating_point(value))
        {
            throw new ArgumentException($"The term '{name}' must be a floating-point tensor, but its dtype is {value.dtype}.", param);
        }

        if (value.numel() != 1)
        {
            throw new ArgumentException($"The term '{name}' must be a scalar (one element), but its shape is {TensorGuard.Shape(value)}.", param);
        }

        if (first is { } f && (f.Value.device.type != value.device.type || f.Value.device.index != value.device.index))
        {
            throw new ArgumentException($"The term '{name}' must be on the device of '{f.Term.Name}' ({f.Value.device}), but it is on {value.device}.", param);
        }

        return value;
    }

    private int IndexOf(string name) => terms.FindIndex(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    private int IndexOfRegistered(string name, string paramName)
    {
        var index = IndexOf(name);
        return index >= 0 ? index : throw new ArgumentException($"The term '{name}' is not registered (terms: {Names()}).", paramName);
    }

    private string Names() => terms.Count == 0 ? "none" : string.Join(", ", terms.Select(t => $"{t.Name}={t.Weight}"));
}
