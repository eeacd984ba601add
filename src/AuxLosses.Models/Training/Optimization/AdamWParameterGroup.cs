using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;

namespace AuxLosses.Models;

/// <summary>
/// One parameter group of <see cref="AdamW"/>: named parameters sharing a learning rate and a weight decay. Both may
/// be changed between steps (a schedule sets <see cref="LearningRate"/> before every step).
/// </summary>
public sealed class AdamWParameterGroup
{
    private readonly string[] names;
    private readonly Parameter[] parameters;
    private double learningRate;
    private double weightDecay;

    /// <summary>Creates a group.</summary>
    /// <param name="parameters">The group's parameters with their names (state-dict names: they key the saved optimizer state).</param>
    /// <param name="learningRate">The learning rate lr (≥ 0, finite).</param>
    /// <param name="weightDecay">The decoupled weight decay wd (≥ 0, finite; 0 = none). PyTorch's AdamW default is 0.01.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a parameter is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate or weight decay is negative or not finite.</exception>
    public AdamWParameterGroup(IEnumerable<(string Name, Parameter Parameter)> parameters, double learningRate, double weightDecay = 0.0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToArray();
        names = new string[list.Length];
        this.parameters = new Parameter[list.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Length; i++)
        {
            var (name, parameter) = list[i];
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"Parameter {i} of the group has no name; names key the saved optimizer state.", nameof(parameters));
            }

            if (parameter is null)
            {
                throw new ArgumentException($"Parameter '{name}' is null.", nameof(parameters));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"The name '{name}' occurs twice in the group.", nameof(parameters));
            }

            names[i] = name;
            this.parameters[i] = parameter;
        }

        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>The parameters' names, in the group's order.</summary>
    public IReadOnlyList<string> ParameterNames => names;

    /// <summary>The parameters, in the same order as <see cref="ParameterNames"/>.</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>The learning rate used by the next <see cref="AdamW.Step"/> (≥ 0, finite).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public double LearningRate
    {
        get => learningRate;
        set => learningRate = Checked(value, nameof(LearningRate));
    }

    /// <summary>The decoupled weight decay used by the next <see cref="AdamW.Step"/> (≥ 0, finite; 0 = none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public double WeightDecay
    {
        get => weightDecay;
        set => weightDecay = Checked(value, nameof(WeightDecay));
    }

    private static double Checked(double value, string name) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and ≥ 0; got {value}.");
}
