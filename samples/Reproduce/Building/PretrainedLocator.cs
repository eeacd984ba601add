using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Models;

namespace AuxLosses.Reproduce.Building;

/// <summary>
/// Finds pretrained files offline: first <c>{weights-dir}/{model id}/</c>, then the Hugging Face hub cache
/// (<c>{cache}/models--ORG--NAME/snapshots/{commit of refs/main}/</c>). Nothing is downloaded.
/// </summary>
internal sealed class PretrainedLocator : IDisposable
{
    private readonly string? weightsDir;
    private readonly PretrainedResolver resolver;

    public PretrainedLocator(string? weightsDir, string? hfCache)
    {
        this.weightsDir = weightsDir is null ? null : Path.GetFullPath(weightsDir);
        resolver = new PretrainedResolver(new PretrainedResolverOptions { CacheDirectory = hfCache, Offline = true });
    }

    /// <summary>The hub cache folder searched.</summary>
    public string CacheDirectory => resolver.CacheDirectory;

    /// <summary>The resolver (offline) for the library's FromPretrained calls.</summary>
    public PretrainedResolver Resolver => resolver;

    /// <summary>
    /// The folder holding every one of <paramref name="files"/> for <paramref name="modelId"/>.
    /// </summary>
    /// <exception cref="MissingInputsException">No location has them all; lists every path tried.</exception>
    public string FindFolder(string role, string modelId, IReadOnlyList<string> files)
    {
        var lookedFor = new List<string>();
        string? hint = null;
        if (weightsDir is not null)
        {
            var folder = Path.Combine(weightsDir, modelId);
            var paths = files.Select(f => Path.Combine(folder, f)).ToArray();
            if (paths.All(File.Exists))
            {
                return folder;
            }

            lookedFor.AddRange(paths.Select(p => File.Exists(p) ? p + " (found)" : p));
            hint ??= PickleHint(folder, files);
        }

        var cached = files.Select(f => resolver.TryGetCached(modelId, f)).ToArray();
        if (cached.All(p => p is not null) && cached.Select(Path.GetDirectoryName).Distinct(StringComparer.Ordinal).Count() == 1)
        {
            return Path.GetDirectoryName(cached[0])!;
        }

        var snapshot = Path.Combine(resolver.CacheDirectory, PretrainedResolver.RepoFolderName(modelId), "snapshots", "{commit of refs/main}");
        lookedFor.AddRange(files.Select((f, k) => cached[k] ?? Path.Combine(snapshot, f)));
        hint ??= weightsDir is null
            ? "Pass --weights-dir DIR with DIR/" + modelId + "/ holding those files, or --hf-cache pointing at a Hugging Face hub cache."
            : "Put those files in " + Path.Combine(weightsDir, modelId) + ", or fill the Hugging Face cache (huggingface-cli download " + modelId + ").";
        throw new MissingInputsException($"Could not find the {role} '{modelId}' ({string.Join(", ", files)})", lookedFor, hint);
    }

    /// <summary>A single weights file: <c>{weights-dir}/{id}/model.safetensors</c>, <c>{weights-dir}/{alias}.safetensors</c> or the cache.</summary>
    /// <exception cref="MissingInputsException">None exists; lists every path tried.</exception>
    public string FindWeightsFile(string role, string modelId, string alias)
    {
        var lookedFor = new List<string>();
        if (weightsDir is not null)
        {
            foreach (var candidate in new[] { Path.Combine(weightsDir, modelId, "model.safetensors"), Path.Combine(weightsDir, alias + ".safetensors") })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                lookedFor.Add(candidate);
            }
        }

        if (resolver.TryGetCached(modelId, "model.safetensors") is { } cached)
        {
            return cached;
        }

        lookedFor.Add(Path.Combine(resolver.CacheDirectory, PretrainedResolver.RepoFolderName(modelId), "snapshots", "{commit of refs/main}", "model.safetensors"));
        throw new MissingInputsException($"Could not find the {role} weights '{modelId}' (model.safetensors)", lookedFor,
            "The repo loads torchvision's .pth pickles, which .NET cannot read; timm's safetensors of the same weights are "
            + $"'{modelId}' on the hub. Put its model.safetensors in {(weightsDir is null ? "--weights-dir DIR/" + modelId : Path.Combine(weightsDir, modelId))}.");
    }

    public void Dispose() => resolver.Dispose();

    private static string? PickleHint(string folder, IReadOnlyList<string> files) =>
        files.Contains("model.safetensors") && File.Exists(Path.Combine(folder, "pytorch_model.bin")) && !File.Exists(Path.Combine(folder, "model.safetensors"))
            ? $"{folder} has pytorch_model.bin, a Python pickle .NET cannot read; convert it once in Python: "
              + "AutoModel.from_pretrained(path).save_pretrained(path, safe_serialization=True)."
            : null;
}
