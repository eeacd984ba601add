using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace AuxLosses.Models.Internal;

/// <summary>Splits a module's trainable parameters into AdamW groups by learning-rate prefix and by weight decay.</summary>
internal static class ParameterGrouping
{
    public const string DefaultGroup = "default";

    public static List<(TrainerParameterGroup Info, Parameter[] Parameters)> Build(torch.nn.Module module, TrainerOptions options)
    {
        var normOwned = NormalizationParameters(module);
        var prefixes = options.ModuleLearningRates.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToArray();
        var used = new HashSet<string>(StringComparer.Ordinal);
        // Keyed by (prefix, decay); insertion order = default group first, then prefixes in the options' order.
        var buckets = new Dictionary<(string Prefix, bool Decay), List<(string Name, Parameter Parameter)>>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (!parameter.requires_grad)
            {
                continue;
            }

            var prefix = prefixes.FirstOrDefault(p => name == p || name.StartsWith(p + ".", StringComparison.Ordinal)) ?? DefaultGroup;
            used.Add(prefix);
            // Biases, norm weights and scalars (ITC logit scale) are not decayed: only matrices/kernels are.
            var decay = options.WeightDecay > 0 && parameter.dim() >= 2 && !normOwned.Contains(name);
            var key = (prefix, decay);
            if (!buckets.TryGetValue(key, out var list))
            {
                buckets[key] = list = new List<(string, Parameter)>();
            }

            list.Add((name, parameter));
        }

        foreach (var prefix in prefixes)
        {
            if (!used.Contains(prefix))
            {
                throw TrainerOptions.OutOfRange(nameof(options.ModuleLearningRates), prefix,
                    $"has the prefix '{prefix}', which matches no trainable parameter (names look like '{module.named_parameters().Select(p => p.name).FirstOrDefault()}')");
            }
        }

        if (buckets.Count == 0)
        {
            throw new ArgumentException("The model has no trainable parameter (requires_grad).", nameof(module));
        }

        var order = new[] { DefaultGroup }.Concat(options.ModuleLearningRates.Keys).ToArray();
        var groups = new List<(TrainerParameterGroup, Parameter[])>();
        foreach (var prefix in order)
        {
            var lr = prefix == DefaultGroup ? options.LearningRate : options.ModuleLearningRates[prefix];
            foreach (var decay in new[] { true, false })
            {
                if (buckets.TryGetValue((prefix, decay), out var list))
                {
                    var info = new TrainerParameterGroup($"{prefix}/{(decay ? "decay" : "no_decay")}", lr, decay ? options.WeightDecay : 0.0, list.Select(p => p.Name).ToArray());
                    groups.Add((info, list.Select(p => p.Parameter).ToArray()));
                }
            }
        }

        return groups;
    }

    private static HashSet<string> NormalizationParameters(torch.nn.Module module)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, child) in module.named_modules())
        {
            if (IsNormalization(child))
            {
                foreach (var (name, _) in child.named_parameters())
                {
                    names.Add(path + "." + name);
                }
            }
        }

        return names;
    }

    private static bool IsNormalization(torch.nn.Module module) =>
        module is LayerNorm or GroupNorm or BatchNorm1d or BatchNorm2d or BatchNorm3d or InstanceNorm1d or InstanceNorm2d or InstanceNorm3d;
}
