using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace AuxLosses.ApiReference;

/// <summary>
/// <c>ApiReference --out DIR [--assembly NAME]...</c>: writes the markdown API reference of the named assemblies
/// (default AuxLosses and AuxLosses.Models, loaded from this tool's folder with the XML files beside them) into DIR,
/// replacing what a previous run wrote there. Exit 0 when written, 1 when a public member lacks documentation, 2 on
/// bad arguments.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string? output = null;
        var names = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--assembly" when i + 1 < args.Length:
                    names.Add(args[++i]);
                    break;
                default:
                    return Usage($"unknown or incomplete argument '{args[i]}'");
            }
        }

        if (output is null)
        {
            return Usage("--out is required");
        }

        if (names.Count == 0)
        {
            names.AddRange(["AuxLosses", "AuxLosses.Models"]);
        }

        var docs = new DocComments();
        var assemblies = new List<Assembly>();
        foreach (var name in names)
        {
            var assembly = Assembly.Load(new AssemblyName(name));
            if (!docs.TryLoadBeside(assembly))
            {
                Console.Error.WriteLine($"ApiReference: no XML documentation file beside {assembly.Location}");
                return 1;
            }

            assemblies.Add(assembly);
        }

        var site = new ApiSite(assemblies, docs);
        var pages = site.Render();
        if (site.Problems.Count > 0)
        {
            foreach (var problem in site.Problems.Distinct().Order(StringComparer.Ordinal))
            {
                Console.Error.WriteLine($"ApiReference: {problem}");
            }

            return 1;
        }

        Write(output, pages);
        Console.WriteLine($"ApiReference: {pages.Count} pages for {string.Join(", ", names)} in {output}");
        return 0;
    }

    private static void Write(string output, SortedDictionary<string, string> pages)
    {
        // Only a folder this tool wrote (or an empty one) is replaced: never someone's hand-written docs.
        var readme = Path.Combine(output, "README.md");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            if (!File.Exists(readme) || !File.ReadLines(readme).FirstOrDefault("").StartsWith(ApiSite.Marker, StringComparison.Ordinal))
            {
                throw new IOException($"{output} is not empty and was not written by ApiReference (its README.md lacks the marker line); refusing to replace it.");
            }

            Directory.Delete(output, recursive: true);
        }

        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var (path, content) in pages)
        {
            var file = Path.Combine(output, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, content, encoding);
        }
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"ApiReference: {problem}\nusage: ApiReference --out DIR [--assembly NAME]...");
        return 2;
    }
}
