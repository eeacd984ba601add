using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Checkpoint layout under the checkpoint directory:
/// <code>
/// latest.json                       {"checkpoint": "checkpoint-000000120"}   (replaced atomically)
/// checkpoint-000000120/
///   model.safetensors               the module's state dict (parameters and buffers)
///   optimizer.safetensors           the AdamW state (moments, per-parameter step counts; group settings in the metadata)
///   rng.safetensors                 torch's CPU generator state ("torch_cpu") and each adapter generator ("generator_i")
///   trainer.json                    loop position, schedule position, early-stopping state, history (TrainerState)
/// best-000000100.safetensors        the best epoch's weights, referenced by trainer.json
/// </code>
/// A checkpoint is written into a temporary directory and renamed into place, then <c>latest.json</c> is swapped,
/// so a crash at any point leaves the previous checkpoint intact and referenced.
/// </summary>
internal static class CheckpointStore
{
    public const string LatestFile = "latest.json";
    private const string ModelFile = "model.safetensors";
    private const string OptimizerFile = "optimizer.safetensors";
    private const string RngFile = "rng.safetensors";
    private const string StateFile = "trainer.json";
    private const string CpuRngKey = "torch_cpu";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string DirectoryName(long globalStep) => "checkpoint-" + globalStep.ToString("D9", CultureInfo.InvariantCulture);

    public static string BestFileName(long globalStep) => "best-" + globalStep.ToString("D9", CultureInfo.InvariantCulture) + ".safetensors";

    /// <summary>Writes a checkpoint atomically and prunes old ones; returns its directory.</summary>
    public static string Save(string root, nn.Module module, AdamW optimizer, IReadOnlyList<Generator> generators, TrainerState state, int keep)
    {
        Directory.CreateDirectory(root);
        var name = DirectoryName(state.GlobalStep);
        var final = Path.Combine(root, name);
        var temp = Path.Combine(root, ".tmp-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        string? stale = null;
        Directory.CreateDirectory(temp);
        try
        {
            SafeTensors.Save(Path.Combine(temp, ModelFile), module.state_dict(), new Dictionary<string, string> { ["format"] = "pt" });
            optimizer.SaveState(Path.Combine(temp, OptimizerFile));

            using (var scope = NewDisposeScope())
            {
                var rng = new Dictionary<string, Tensor> { [CpuRngKey] = torch.get_rng_state() };
                for (var i = 0; i < generators.Count; i++)
                {
                    rng["generator_" + i.ToString(CultureInfo.InvariantCulture)] = generators[i].get_state().cpu();
                }

                SafeTensors.Save(Path.Combine(temp, RngFile), rng);
            }

            File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, Json));
            // A directory of the same step (left by an earlier session that went further than latest.json says) is
            // moved aside first and deleted only once the new one is in place.
            if (Directory.Exists(final))
            {
                stale = Path.Combine(root, ".old-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.Move(final, stale);
            }

            Directory.Move(temp, final);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            if (stale is not null && Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        WriteAtomically(Path.Combine(root, LatestFile), JsonSerializer.Serialize(new LatestPointer { Checkpoint = name }, Json));
        Prune(root, keep, name);
        return final;
    }

    /// <summary>The latest checkpoint's directory and state, or null when the root holds none.</summary>
    public static (string Directory, TrainerState State)? TryLoadLatest(string root)
    {
        var pointer = Path.Combine(root, LatestFile);
        if (!File.Exists(pointer))
        {
            return null;
        }

        var latest = JsonSerializer.Deserialize<LatestPointer>(File.ReadAllText(pointer), Json)?.Checkpoint;
        if (string.IsNullOrEmpty(latest) || latest.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || latest.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{pointer} does not name a checkpoint directory.");
        }

        var directory = Path.Combine(root, latest);
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(directory, StateFile)), Json)
            ?? throw new InvalidDataException($"{Path.Combine(directory, StateFile)} is empty.");
        if (state.Version != TrainerState.CurrentVersion)
        {
            throw new InvalidDataException($"{Path.Combine(directory, StateFile)} has version {state.Version}; this trainer reads version {TrainerState.CurrentVersion}.");
        }

        return (directory, state);
    }

    /// <summary>Loads weights, optimizer state and generator states of a checkpoint.</summary>
    public static void Restore(string directory, nn.Module module, AdamW optimizer, IReadOnlyList<Generator> generators)
    {
        WeightLoader.LoadFile(module, Path.Combine(directory, ModelFile));
        optimizer.LoadState(Path.Combine(directory, OptimizerFile));

        var rng = SafeTensors.Load(Path.Combine(directory, RngFile));
        try
        {
            torch.set_rng_state(rng[CpuRngKey]);
            for (var i = 0; i < generators.Count; i++)
            {
                var key = "generator_" + i.ToString(CultureInfo.InvariantCulture);
                if (!rng.TryGetValue(key, out var generatorState))
                {
                    throw new InvalidDataException($"{Path.Combine(directory, RngFile)} has no state for the adapter's generator {i} ({generators.Count} expected).");
                }

                generators[i].set_state(generatorState);
            }
        }
        finally
        {
            foreach (var t in rng.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Writes text to a temporary file beside <paramref name="path"/> and renames it over the target.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    // Keeps the newest `keep` checkpoints (always the one just written) and the best-weights files they reference.
    private static void Prune(string root, int keep, string current)
    {
        var checkpoints = Directory.GetDirectories(root, "checkpoint-*")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => n != current)
            .OrderByDescending(n => n, StringComparer.Ordinal)
            .ToList();
        foreach (var stale in checkpoints.Skip(keep - 1))
        {
            Directory.Delete(Path.Combine(root, stale), recursive: true);
        }

        // Leftovers of a session that crashed while writing.
        foreach (var leftover in Directory.GetDirectories(root, ".tmp-checkpoint-*").Concat(Directory.GetDirectories(root, ".old-checkpoint-*")))
        {
            Directory.Delete(leftover, recursive: true);
        }

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in Directory.GetDirectories(root, "checkpoint-*"))
        {
            var stateFile = Path.Combine(directory, StateFile);
            if (File.Exists(stateFile) && JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(stateFile), Json)?.BestWeightsFile is { } best)
            {
                referenced.Add(best);
            }
        }

        foreach (var file in Directory.GetFiles(root, "best-*.safetensors"))
        {
            if (!referenced.Contains(Path.GetFileName(file)))
            {
                File.Delete(file);
            }
        }
    }

    private sealed class LatestPointer
    {
        public string? Checkpoint { get; set; }
    }
}
