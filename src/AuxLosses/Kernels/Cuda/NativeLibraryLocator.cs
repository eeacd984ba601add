using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace AuxLosses.Internal;

/// <summary>
/// Finds a native library by, in order: an explicit path in an environment variable, the loader's own search by name
/// (versioned names first), then globbing the directories of LD_LIBRARY_PATH, CUDA_HOME/CUDA_PATH and the usual
/// install and pip-wheel locations.
/// </summary>
internal static class NativeLibraryLocator
{
    private static readonly string[] SystemDirectories = { "/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib" };
    private static readonly string[] PythonRoots = { "/usr/local/lib", "/usr/lib", "/opt/conda/lib" };

    /// <summary>Loads the first candidate that opens; throws listing what was tried.</summary>
    public static IntPtr Load(string what, string environmentVariable, IReadOnlyList<string> names, string pattern, IReadOnlyList<string> extraDirectories)
    {
        var tried = new List<string>();
        var explicitPath = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            tried.Add(explicitPath);
            if (NativeLibrary.TryLoad(explicitPath, out var handle))
            {
                return handle;
            }
        }

        foreach (var name in names)
        {
            tried.Add(name);
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                return handle;
            }
        }

        foreach (var directory in SearchDirectories(extraDirectories))
        {
            string[] files;
            try
            {
                files = Directory.GetFiles(directory, pattern);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // Newest version first: libnvrtc.so.13 before libnvrtc.so.12.
            foreach (var file in files.OrderByDescending(f => f, StringComparer.Ordinal))
            {
                tried.Add(file);
                if (NativeLibrary.TryLoad(file, out var handle))
                {
                    return handle;
                }
            }
        }

        throw new DllNotFoundException($"{what} not found (tried {string.Join(", ", tried.Take(24))}{(tried.Count > 24 ? ", …" : string.Empty)}); set {environmentVariable} to its path.");
    }

    /// <summary>The address of <paramref name="name"/>; throws naming the missing export.</summary>
    public static IntPtr Export(IntPtr handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address) ? address : throw new EntryPointNotFoundException($"native export {name} not found.");

    private static IEnumerable<string> SearchDirectories(IReadOnlyList<string> extra)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<string>(extra);
        foreach (var variable in new[] { "LD_LIBRARY_PATH", "PATH" })
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                candidates.AddRange(value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
            }
        }

        foreach (var variable in new[] { "CUDA_HOME", "CUDA_PATH" })
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                candidates.Add(Path.Combine(value, "lib64"));
                candidates.Add(Path.Combine(value, "lib"));
            }
        }

        candidates.AddRange(SystemDirectories);
        foreach (var root in PythonRoots)
        {
            foreach (var python in SafeDirectories(root, "python3*"))
            {
                foreach (var packages in new[] { "site-packages", "dist-packages" })
                {
                    var nvidia = Path.Combine(python, packages, "nvidia");
                    candidates.AddRange(SafeDirectories(nvidia, "*").Select(d => Path.Combine(d, "lib")));
                }
            }
        }

        foreach (var directory in candidates)
        {
            if (seen.Add(directory) && Directory.Exists(directory))
            {
                yield return directory;
            }
        }
    }

    private static string[] SafeDirectories(string root, string pattern)
    {
        try
        {
            return Directory.Exists(root) ? Directory.GetDirectories(root, pattern) : Array.Empty<string>();
        }
        catch (IOException)
        {
            return Array.Empty<string>();
        }
        catch (UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
