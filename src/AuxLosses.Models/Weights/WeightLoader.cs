using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Copies checkpoint tensors into a module's parameters and buffers with explicit key mapping and a full report.
/// TorchSharp's <c>load_state_dict</c> broadcasts shapes silently and needs identical names and dtypes; this
/// checks every shape, converts dtypes of the same kind (BF16/F16/F64 → the module's float dtype), maps
/// HF-style names (prefixes, <c>gamma</c>/<c>beta</c>, a user rename) and reports what did not line up.
/// </summary>
/// <example>
/// <code>
/// var report = WeightLoader.LoadFile(model, "model.safetensors", new WeightLoadOptions { Strict = false });
/// Console.WriteLine(report.Describe()); // lists missing, unexpected and mismatched keys
/// </code>
/// </example>
public static class WeightLoader
{
    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="module"/>'s state (under <c>no_grad</c>, onto each
    /// target's device and dtype). In strict mode (the default) any problem throws before anything is copied.
    /// </summary>
    /// <returns>What was loaded, renamed and converted, and every missing, unexpected or mismatched key.</returns>
    /// <exception cref="WeightLoadException">Strict mode and the report is not clean.</exception>
    public static WeightLoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new WeightLoadOptions();
        var target = module.state_dict();
        var (plan, report) = Plan(target, weights, options);
        if (options.Strict && !report.IsClean)
        {
            throw new WeightLoadException(report);
        }

        using (no_grad())
        {
            foreach (var (targetKey, sourceKey) in plan)
            {
                // copy_ converts dtype and device; shapes were checked equal, so it cannot broadcast.
                target[targetKey].copy_(weights[sourceKey]);
            }
        }

        return report;
    }

    /// <summary>
    /// Loads a weights file (format from <see cref="DetectFormat"/>) into <paramref name="module"/> with the same
    /// mapping and report as <see cref="Load"/>. The file's tensors are freed afterwards.
    /// </summary>
    public static WeightLoadReport LoadFile(nn.Module module, string path, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var weights = ReadFile(path);
        try
        {
            return Load(module, weights, options);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Reads every tensor of a safetensors or TorchSharp-format file into new CPU tensors owned by the caller.</summary>
    /// <exception cref="SafeTensorsFormatException">A malformed safetensors file.</exception>
    /// <exception cref="InvalidDataException">A malformed TorchSharp-format file (naming the file and tensor).</exception>
    public static Dictionary<string, Tensor> ReadFile(string path) => DetectFormat(path) switch
    {
        WeightFormat.SafeTensors => SafeTensors.Load(path),
        _ => TorchSharpStateFile.Read(path),
    };

    /// <summary>
    /// Writes the module's state dict: safetensors when <paramref name="format"/> says so or the path ends in
    /// <c>.safetensors</c>, otherwise TorchSharp's native <c>Module.save</c> format.
    /// </summary>
    public static void SaveFile(nn.Module module, string path, WeightFormat? format = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var resolved = format ?? (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? WeightFormat.SafeTensors : WeightFormat.TorchSharp);
        if (resolved == WeightFormat.SafeTensors)
        {
            SafeTensors.Save(path, module.state_dict(), metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        }
        else
        {
            module.save(path);
        }
    }

    /// <summary>
    /// The format of a weights file: safetensors when the extension is <c>.safetensors</c> or the first bytes
    /// look like a safetensors header (a plausible length followed by <c>{</c>); otherwise TorchSharp's format.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static WeightFormat DetectFormat(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        }

        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            return WeightFormat.SafeTensors;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        Span<byte> head = stackalloc byte[9];
        if (stream.ReadAtLeast(head, 9, throwOnEndOfStream: false) == 9
            && BinaryPrimitives.ReadUInt64LittleEndian(head) <= (ulong)(stream.Length - 8)
            && head[8] == (byte)'{')
        {
            return WeightFormat.SafeTensors;
        }

        return WeightFormat.TorchSharp;
    }

    private static (List<(string Target, string Source)>, WeightLoadReport) Plan(
        Dictionary<string, Tensor> target, IReadOnlyDictionary<string, Tensor> weights, WeightLoadOptions options)
    {
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var ignoredUnexpected = new List<string>();
        var pending = new List<(string Source, string Mapped)>();
        foreach (var source in weights.Keys)
        {
            var mapped = options.Rename is null ? source : options.Rename(source);
            if (mapped is null)
            {
                ignoredUnexpected.Add(source);
            }
            else
            {
                pending.Add((source, mapped));
            }
        }

        // Exact names claim their targets first, so "bert.x" and "x" both present never fight over "x".
        foreach (var (source, mapped) in pending.Where(p => target.ContainsKey(p.Mapped)).ToList())
        {
            if (claimed.TryAdd(mapped, source))
            {
                pending.Remove((source, mapped));
            }
        }

        foreach (var (source, mapped) in pending.OrderBy(p => p.Source, StringComparer.Ordinal))
        {
            var match = Candidates(mapped, options).FirstOrDefault(c => target.ContainsKey(c) && !claimed.ContainsKey(c));
            if (match is not null)
            {
                claimed.Add(match, source);
            }
            else if (options.IgnoreUnexpected?.Invoke(source) == true)
            {
                ignoredUnexpected.Add(source);
            }
            else
            {
                unexpected.Add(source);
            }
        }

        var plan = new List<(string, string)>();
        var mismatched = new List<WeightMismatch>();
        var converted = new List<string>();
        var renamed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, source) in claimed.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var to = target[key];
            var from = weights[source] ?? throw new ArgumentException($"Checkpoint tensor '{source}' is null.", nameof(weights));
            if (!to.shape.SequenceEqual(from.shape) || Kind(to.dtype) != Kind(from.dtype))
            {
                mismatched.Add(new WeightMismatch(key, source, to.shape, from.shape, to.dtype, from.dtype));
                continue;
            }

            plan.Add((key, source));
            if (to.dtype != from.dtype)
            {
                converted.Add(key);
            }

            if (key != source)
            {
                renamed[source] = key;
            }
        }

        var missing = new List<string>();
        var ignoredMissing = new List<string>();
        foreach (var key in target.Keys.Where(k => !claimed.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
        {
            (options.IgnoreMissing?.Invoke(key) == true ? ignoredMissing : missing).Add(key);
        }

        unexpected.Sort(StringComparer.Ordinal);
        ignoredUnexpected.Sort(StringComparer.Ordinal);
        var report = new WeightLoadReport(
            [.. plan.Select(p => p.Item1)], renamed, converted, missing, unexpected, mismatched, ignoredMissing, ignoredUnexpected);
        return (plan, report);
    }

    // Mapped names to try, most specific first: the legacy LayerNorm rename, then prefix stripping and adding.
    private static IEnumerable<string> Candidates(string key, WeightLoadOptions options)
    {
        var forms = new List<string> { key };
        if (options.RenameLegacyLayerNorm)
        {
            var legacy = LegacyRename(key);
            if (legacy != key)
            {
                forms.Add(legacy);
            }
        }

        foreach (var form in forms)
        {
            yield return form;
        }

        foreach (var prefix in options.Prefixes)
        {
            foreach (var form in forms)
            {
                if (form.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return form[prefix.Length..];
                }
            }
        }

        foreach (var prefix in options.Prefixes)
        {
            foreach (var form in forms)
            {
                yield return prefix + form;
            }
        }
    }

    private static string LegacyRename(string key)
    {
        if (key.EndsWith(".gamma", StringComparison.Ordinal) || key == "gamma")
        {
            return key[..^"gamma".Length] + "weight";
        }

        if (key.EndsWith(".beta", StringComparison.Ordinal) || key == "beta")
        {
            return key[..^"beta".Length] + "bias";
        }

        return key;
    }

    private static int Kind(ScalarType dtype) => dtype switch
    {
        ScalarType.Bool => 0,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 => 1,
        ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64 => 2,
        _ => 3,
    };
}
