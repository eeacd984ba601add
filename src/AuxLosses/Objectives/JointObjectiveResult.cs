using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// The outcome of <see cref="JointObjective.Compute(IReadOnlyDictionary{string, Tensor})"/>: the weighted total to
/// back-propagate and a detached, per-term breakdown for logging.
/// </summary>
/// <remarks>
/// Ownership: <see cref="Total"/> is a new tensor (never one of the caller's terms). Like any <c>forward</c> output it
/// belongs to the caller's innermost dispose scope, if one is open; <see cref="Dispose"/> also frees it, and doing
/// both is safe. The breakdown holds plain doubles and needs no disposal.
/// </remarks>
public sealed class JointObjectiveResult : IDisposable
{
    private readonly IReadOnlyList<string> order;

    internal JointObjectiveResult(Tensor total, double totalValue, IReadOnlyList<string> order, IReadOnlyDictionary<string, double> breakdown, IReadOnlyDictionary<string, double> contributions)
    {
        Total = total;
        TotalValue = totalValue;
        this.order = order;
        Breakdown = breakdown;
        Contributions = contributions;
    }

    /// <summary>L = Σ_k λ_k·term_k as a scalar tensor connected to every term with a positive weight; call <c>backward()</c> on it.</summary>
    public Tensor Total { get; }

    /// <summary>
    /// Σ_k λ_k·value_k evaluated on the host in double precision from the detached term values (no extra device
    /// synchronization). It can differ from <see cref="Total"/> in the last bits of the tensor's dtype.
    /// </summary>
    public double TotalValue { get; }

    /// <summary>Unweighted detached value of every supplied term (zero-weight terms included when they were supplied).</summary>
    public IReadOnlyDictionary<string, double> Breakdown { get; }

    /// <summary>Weighted contribution λ_k·value_k of every supplied term (0 for zero-weight terms).</summary>
    public IReadOnlyDictionary<string, double> Contributions { get; }

    /// <summary>A log line such as <c>total=0.8300 ce=0.7000 itc=1.2000 itm=0.6500</c>, terms in registration order (unweighted values).</summary>
    public override string ToString() =>
        string.Join(' ', new[] { "total=" + Format(TotalValue) }.Concat(order.Select(name => $"{name}={Format(Breakdown[name])}")));

    /// <summary>Frees <see cref="Total"/> (safe when a dispose scope has already freed it).</summary>
    public void Dispose() => Total.Dispose();

    private static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
