using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace AuxLosses.NotebookRunner;

/// <summary>
/// What <c>#r "nuget: Name, Version"</c> can load: the runner's own dependencies, read from its <c>.deps.json</c>
/// (projects of this repository such as AuxLosses, and the packages Directory.Packages.props pins). A directive adds
/// the package's assemblies and those of its dependencies, as NuGet would, so a notebook that forgets one fails
/// to compile here as it would in Polyglot Notebooks.
/// </summary>
internal sealed class PackageCatalog
{
    private readonly Dictionary<string, Library> libraries;
    private readonly string baseDirectory;

    private PackageCatalog(Dictionary<string, Library> libraries, string baseDirectory)
    {
        this.libraries = libraries;
        this.baseDirectory = baseDirectory;
    }

    /// <summary>Loads the catalog of the running application.</summary>
    public static PackageCatalog ForCurrentApplication()
    {
        var baseDirectory = AppContext.BaseDirectory;
        var depsFile = Path.Combine(baseDirectory, typeof(PackageCatalog).Assembly.GetName().Name + ".deps.json");
        var root = JsonNode.Parse(File.ReadAllText(depsFile))!;
        var kinds = root["libraries"]!.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value!["type"]!.GetValue<string>());
        var target = root["targets"]!.AsObject().First().Value!.AsObject();
        var libraries = new Dictionary<string, Library>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, node) in target)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var name = key[..slash];
            var dependencies = node?["dependencies"]?.AsObject().Select(pair => pair.Key).ToArray() ?? [];
            var assemblies = node?["runtime"]?.AsObject().Select(pair => Path.GetFileName(pair.Key)).ToArray() ?? [];
            libraries[name] = new Library(name, key[(slash + 1)..], kinds.GetValueOrDefault(key, "package"), dependencies, assemblies);
        }

        return new PackageCatalog(libraries, baseDirectory);
    }

    /// <summary>Resolves a directive to the assembly files it brings, or throws naming what is wrong.</summary>
    public IReadOnlyList<string> Resolve(PackageDirective directive, string where)
    {
        if (!libraries.TryGetValue(directive.Name, out var library) || library.Kind == "reference")
        {
            throw new NotebookFormatException(
                $"{where}: package '{directive.Name}' is not available to the notebook runner. Pin it in Directory.Packages.props and add a "
                + "PackageReference to tools/NotebookRunner/NotebookRunner.csproj.");
        }

        if (!string.Equals(library.Version, directive.Version, StringComparison.OrdinalIgnoreCase))
        {
            var origin = library.Kind == "project" ? "the repository builds" : "Directory.Packages.props pins";
            throw new NotebookFormatException(
                $"{where}: '#r \"nuget: {directive.Name}, {directive.Version}\"' asks for version {directive.Version}, but {origin} {library.Name} {library.Version}.");
        }

        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([library.Name]);
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (!seen.Add(name) || !libraries.TryGetValue(name, out var current))
            {
                continue;
            }

            files.AddRange(current.Assemblies.Select(file => Path.Combine(baseDirectory, file)).Where(File.Exists));
            foreach (var dependency in current.Dependencies)
            {
                pending.Push(dependency);
            }
        }

        return files;
    }

    /// <summary>The package that carries TorchSharp's native backend, if <paramref name="name"/> is one.</summary>
    public static bool IsTorchSharpBackend(string name) => name.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("libtorch-cpu", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the package depends (directly or not) on TorchSharp's managed library.</summary>
    public bool NeedsTorchSharp(string name)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([name]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.Equals("TorchSharp", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (seen.Add(current) && libraries.TryGetValue(current, out var library))
            {
                foreach (var dependency in library.Dependencies)
                {
                    pending.Push(dependency);
                }
            }
        }

        return false;
    }

    private sealed record Library(string Name, string Version, string Kind, IReadOnlyList<string> Dependencies, IReadOnlyList<string> Assemblies);
}
