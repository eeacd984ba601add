using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) with parameter groups, computing
/// exactly what <c>torch.optim.AdamW</c> computes with <c>amsgrad=False, maximize=False</c>. Per parameter with a
/// gradient g, its own step count t and its group's lr and wd:
/// <code>
/// t ← t + 1
/// p ← p · (1 − lr·wd)                                   decoupled weight decay
/// m ← β1·m + (1 − β1)·g                                 first moment
/// v ← β2·v + (1 − β2)·g²                                second moment
/// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)      bias-corrected step
/// </code>
/// </summary>
/// <remarks>
/// <para>Why not TorchSharp's <c>optim.AdamW</c>: its step passes TorchSharp <see cref="Scalar"/> temporaries
/// (<c>mul_(beta1)</c>, <c>alpha: 1 - beta1</c>, ...) to native calls. A <see cref="Scalar"/> is a finalizable wrapper of a
/// raw native pointer that no dispose scope tracks, so the JIT may treat a temporary as dead once its handle has been
/// read and the finalizer thread can free it while the native op still reads it (seen as
/// <c>c10::Scalar::toFloat</c> errors). Here every <see cref="Scalar"/> is a <c>using</c> local that outlives its call
/// or a static constant, including the alpha that TorchSharp's one-argument <c>add_</c> would create.</para>
/// <para>Parameters whose gradient is null are skipped entirely (no step count, no moments, no decay), as in PyTorch.
/// The moments are created on a parameter's first step, with its dtype and device. <see cref="Step"/> works in place under
/// <c>no_grad</c> in its own dispose scope, so it leaves no tensor behind. <see cref="SaveState"/> and
/// <see cref="LoadState"/> round-trip the state bitwise (moments, step counts, group settings) for exact resume.</para>
/// </remarks>
/// <example>
/// <code>
/// using var optimizer = new AdamW([new AdamWParameterGroup(model.named_parameters(), learningRate: 1e-3, weightDecay: 0.01)]);
/// optimizer.ZeroGrad();
/// loss.backward();
/// optimizer.Step();
/// </code>
/// </example>
public sealed class AdamW : IDisposable
{
    private const string Format = "auxlosses-adamw";
    private const string FormatVersion = "1";
    private const string ExpAvgSuffix = ".exp_avg";
    private const string ExpAvgSqSuffix = ".exp_avg_sq";
    private const string StepSuffix = ".step";

    private readonly AdamWParameterGroup[] groups;
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly ParameterState?[] states;
    private bool disposed;

    /// <summary>Creates the optimizer over the given groups; no state is allocated until a parameter's first step.</summary>
    /// <param name="groups">The parameter groups (at least one; a parameter and a name may occur in one group only).</param>
    /// <param name="beta1">β1, the first-moment decay, in [0, 1).</param>
    /// <param name="beta2">β2, the second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">ε, added to the denominator, ≥ 0 and finite.</param>
    /// <exception cref="ArgumentException">No group, or a parameter or name occurs twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">β1, β2 or ε is out of range.</exception>
    public AdamW(IEnumerable<AdamWParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"{nameof(beta1)} must be in [0, 1); got {beta1}.");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"{nameof(beta2)} must be in [0, 1); got {beta2}.");
        }

        if (!(double.IsFinite(epsilon) && epsilon >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{nameof(epsilon)} must be finite and ≥ 0; got {epsilon}.");
        }

        this.groups = groups.ToArray();
        if (this.groups.Length == 0)
        {
            throw new ArgumentException("AdamW needs at least one parameter group.", nameof(groups));
        }

        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var group in this.groups)
        {
            ArgumentNullException.ThrowIfNull(group, nameof(groups));
            for (var i = 0; i < group.Parameters.Count; i++)
            {
                var name = group.ParameterNames[i];
                if (!index.TryAdd(name, index.Count))
                {
                    throw new ArgumentException($"The parameter name '{name}' occurs in more than one group.", nameof(groups));
                }

                if (!seen.Add(group.Parameters[i]))
                {
                    throw new ArgumentException($"The parameter '{name}' occurs more than once in the groups.", nameof(groups));
                }
            }
        }

        states = new ParameterState?[index.Count];
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>β1, the first-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>β2, the second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to the bias-corrected √v.</summary>
    public double Epsilon { get; }

    /// <summary>The parameter groups, in order; set a group's <see cref="AdamWParameterGroup.LearningRate"/> to schedule it.</summary>
    public IReadOnlyList<AdamWParameterGroup> ParameterGroups => groups;

    /// <summary>Takes one AdamW step for every parameter that has a gradient (in place, under <c>no_grad</c>).</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Every Scalar is a using local: it stays alive (and is freed deterministically) past the native calls reading it.
        using var beta1 = Beta1.ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        var k = 0;
        foreach (var group in groups)
        {
            var lr = group.LearningRate;
            var wd = group.WeightDecay;
            using var decay = (1 - (lr * wd)).ToScalar();
            for (var i = 0; i < group.Parameters.Count; i++, k++)
            {
                var parameter = group.Parameters[i];
                var grad = parameter.grad;
                if (grad is null)
                {
                    continue;
                }

                var state = states[k] ??= new ParameterState(
                    zeros_like(parameter).DetachFromDisposeScope(),
                    zeros_like(parameter).DetachFromDisposeScope());
                state.Step++;

                // p·1 is exact, so skipping wd = 0 changes nothing.
                if (wd != 0)
                {
                    parameter.mul_(decay);
                }

                var biasCorrection1 = 1 - Math.Pow(Beta1, state.Step);
                var biasCorrection2 = 1 - Math.Pow(Beta2, state.Step);
                using var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
                using var negativeStepSize = (-(lr / biasCorrection1)).ToScalar();

                state.ExpAvg.mul_(beta1).add_(grad, alpha: oneMinusBeta1);
                state.ExpAvgSq.mul_(beta2).addcmul_(grad, grad, value: oneMinusBeta2);
                // The same op order as torch.optim.AdamW: (√v / √bc2) + ε, then p += −(lr/bc1) · m / denom.
                // add_(Scalar) without alpha would create its alpha 1 as a temporary Scalar: pass a static one.
                var denominator = state.ExpAvgSq.sqrt().div_(sqrtBiasCorrection2).add_(epsilon, TrainingScalars.One);
                parameter.addcdiv_(state.ExpAvg, denominator, value: negativeStepSize);
            }
        }
    }

    /// <summary>
    /// Sets the gradient of every parameter to none (PyTorch's <c>zero_grad(set_to_none=True)</c>): a parameter that
    /// then gets no gradient is skipped by the next <see cref="Step"/>.
    /// </summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        foreach (var group in groups)
        {
            foreach (var parameter in group.Parameters)
            {
                parameter.grad = null;
            }
        }
    }

    /// <summary>The number of steps the named parameter has taken (0 before its first gradient).</summary>
    /// <param name="parameterName">A name given in a <see cref="AdamWParameterGroup"/>.</param>
    /// <returns>The parameter's step count t.</returns>
    /// <exception cref="ArgumentException">No parameter has that name.</exception>
    public long GetStepCount(string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        return index.TryGetValue(parameterName, out var k)
            ? states[k]?.Step ?? 0
            : throw new ArgumentException($"No parameter is named '{parameterName}'.", nameof(parameterName));
    }

    /// <summary>
    /// Writes the optimizer state to a safetensors file: per parameter that has stepped, <c>{name}.exp_avg</c>,
    /// <c>{name}.exp_avg_sq</c> (its dtype) and <c>{name}.step</c> (int64 scalar); the groups' names, learning rates and
    /// weight decays, β1, β2 and ε in the metadata. The file is replaced atomically.
    /// </summary>
    /// <param name="path">The file to write.</param>
    public void SaveState(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, k) in index)
        {
            if (states[k] is { } state)
            {
                tensors[name + ExpAvgSuffix] = state.ExpAvg;
                tensors[name + ExpAvgSqSuffix] = state.ExpAvgSq;
                tensors[name + StepSuffix] = tensor(state.Step);
            }
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["version"] = FormatVersion,
            ["beta1"] = Beta1.ToString("R", CultureInfo.InvariantCulture),
            ["beta2"] = Beta2.ToString("R", CultureInfo.InvariantCulture),
            ["epsilon"] = Epsilon.ToString("R", CultureInfo.InvariantCulture),
            ["groups"] = JsonSerializer.Serialize(groups.Select(g => new GroupSettings(g.LearningRate, g.WeightDecay, g.ParameterNames.ToArray())).ToArray()),
        };
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Replaces the optimizer state with one written by <see cref="SaveState"/> for the same groups (same parameter
    /// names in the same groups): moments and step counts bitwise, and each group's learning rate and weight decay.
    /// A parameter absent from the file starts fresh. β1, β2 and ε stay as constructed.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="InvalidDataException">The file is not an AdamW state of these groups, or a tensor's shape or dtype does not fit its parameter.</exception>
    public void LoadState(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var metadata = SafeTensors.ReadMetadata(path);
        if (!metadata.TryGetValue("format", out var format) || format != Format || !metadata.TryGetValue("version", out var version) || version != FormatVersion)
        {
            throw new InvalidDataException($"{path} is not an AdamW state file (format '{Format}', version {FormatVersion}).");
        }

        var saved = metadata.TryGetValue("groups", out var json) ? JsonSerializer.Deserialize<GroupSettings[]>(json) : null;
        if (saved is null || saved.Length != groups.Length
            || saved.Zip(groups).Any(pair => pair.First.Parameters is null || !pair.First.Parameters.SequenceEqual(pair.Second.ParameterNames, StringComparer.Ordinal)))
        {
            throw new InvalidDataException($"{path} holds the state of other parameter groups than this optimizer's ({groups.Length} groups; names must match group by group).");
        }

        if (saved.Any(g => !(double.IsFinite(g.LearningRate) && g.LearningRate >= 0 && double.IsFinite(g.WeightDecay) && g.WeightDecay >= 0)))
        {
            throw new InvalidDataException($"{path} holds a group learning rate or weight decay that is negative or not finite.");
        }

        var loaded = SafeTensors.Load(path);
        var fresh = new ParameterState?[states.Length];
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var consumed = new HashSet<string>(StringComparer.Ordinal);
            var k = 0;
            foreach (var group in groups)
            {
                for (var i = 0; i < group.Parameters.Count; i++, k++)
                {
                    var name = group.ParameterNames[i];
                    if (!loaded.TryGetValue(name + StepSuffix, out var step))
                    {
                        continue;
                    }

                    var parameter = group.Parameters[i];
                    if (step.dtype != ScalarType.Int64 || step.dim() != 0)
                    {
                        throw new InvalidDataException($"{path}: '{name}{StepSuffix}' must be an int64 scalar; got {step.dtype} with {step.dim()} dimensions.");
                    }

                    fresh[k] = new ParameterState(Moment(path, loaded, name + ExpAvgSuffix, parameter), Moment(path, loaded, name + ExpAvgSqSuffix, parameter))
                    {
                        Step = step.item<long>(),
                    };
                    consumed.UnionWith([name + ExpAvgSuffix, name + ExpAvgSqSuffix, name + StepSuffix]);
                }
            }

            if (loaded.Keys.FirstOrDefault(key => !consumed.Contains(key)) is { } unknown)
            {
                throw new InvalidDataException($"{path} holds '{unknown}', which is no moment or step count of a parameter of this optimizer.");
            }

            // Only a complete load keeps its moments; on any error above the scope frees them.
            foreach (var state in fresh)
            {
                state?.ExpAvg.DetachFromDisposeScope();
                state?.ExpAvgSq.DetachFromDisposeScope();
            }
        }
        finally
        {
            foreach (var t in loaded.Values)
            {
                t.Dispose();
            }
        }

        for (var k = 0; k < states.Length; k++)
        {
            states[k]?.Dispose();
            states[k] = fresh[k];
        }

        for (var g = 0; g < groups.Length; g++)
        {
            groups[g].LearningRate = saved[g].LearningRate;
            groups[g].WeightDecay = saved[g].WeightDecay;
        }
    }

    /// <summary>Frees the moments (the parameters are the caller's).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        for (var k = 0; k < states.Length; k++)
        {
            states[k]?.Dispose();
            states[k] = null;
        }
    }

    // A copy with the parameter's dtype, shape and device, in the caller's scope (copy_ keeps the bits).
    private static Tensor Moment(string path, Dictionary<string, Tensor> loaded, string key, Parameter parameter)
    {
        if (!loaded.TryGetValue(key, out var source))
        {
            throw new InvalidDataException($"{path} has a step count but no '{key}'.");
        }

        if (source.dtype != parameter.dtype || !source.shape.SequenceEqual(parameter.shape))
        {
            throw new InvalidDataException(
                $"{path}: '{key}' is {source.dtype} [{string.Join(", ", source.shape)}] but the parameter is {parameter.dtype} [{string.Join(", ", parameter.shape)}].");
        }

        var moment = zeros_like(parameter);
        moment.copy_(source);
        return moment;
    }

    private sealed class ParameterState(Tensor expAvg, Tensor expAvgSq) : IDisposable
    {
        public Tensor ExpAvg { get; } = expAvg;

        public Tensor ExpAvgSq { get; } = expAvgSq;

        public long Step { get; set; }

        public void Dispose()
        {
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
        }
    }

    private sealed record GroupSettings(double LearningRate, double WeightDecay, string[] Parameters);
}
