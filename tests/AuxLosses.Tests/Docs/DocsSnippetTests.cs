using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FluentAssertions;

namespace AuxLosses.Tests.Docs;

/// <summary>
/// Every ```csharp block under docs/ (except the generated docs/api and docs/benchmarks) follows a
/// <c>&lt;!-- snippet: NAME --&gt;</c> line and shows exactly the region <c>// docs:begin NAME</c> …
/// <c>// docs:end NAME</c> of a file in this folder, whose tests compile and run it.
/// </summary>
public sealed class DocsSnippetTests
{
    private const string Marker = "<!-- snippet: ";

    [Fact]
    public void Docs_show_the_tested_examples_verbatim()
    {
        var root = RepositoryRoot();
        var regions = Regions(root);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var blocks = 0;
        foreach (var page in DocPages(root))
        {
            var lines = File.ReadAllLines(page);
            var relative = Path.GetRelativePath(root, page);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].TrimStart().StartsWith("```csharp", StringComparison.Ordinal))
                {
                    continue;
                }

                blocks++;
                var marker = lines[..i].LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
                marker.Should().StartWith(Marker, $"the ```csharp block at {relative} line {i + 1} must name its tested region");
                var name = marker[Marker.Length..].TrimEnd('-', '>', ' ');
                regions.Should().ContainKey(name, $"{relative} line {i + 1} names snippet '{name}'");
                var end = Array.FindIndex(lines, i + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
                end.Should().BeGreaterThan(i, $"the block at {relative} line {i + 1} must be closed");
                var block = lines[(i + 1)..end];

                var (source, body) = regions[name];
                var usings = block.TakeWhile(IsUsingDirective).ToArray();
                usings.Where(u => !source.Contains(u)).Should().BeEmpty($"every using of snippet '{name}' must be in the file that runs it");
                var shown = block.Skip(usings.Length).SkipWhile(string.IsNullOrWhiteSpace).ToArray();
                shown.Should().Equal(body, $"snippet '{name}' in {relative} must be the code its test runs (region docs:begin {name})");
                used.Add(name);
            }
        }

        blocks.Should().BeGreaterThan(0);
        regions.Keys.Except(used).Should().BeEmpty("every docs region is shown on some page");
    }

    /// <summary>A using directive (not a using declaration such as <c>using var x = …;</c>).</summary>
    private static bool IsUsingDirective(string line) =>
        System.Text.RegularExpressions.Regex.IsMatch(line, @"^using (static )?[A-Za-z_][\w.]*( = [\w.]+)?;$");

    /// <summary>Relative links between the hand-written pages resolve (docs/api is generated elsewhere and not checked).</summary>
    [Fact]
    public void Relative_links_resolve()
    {
        var root = RepositoryRoot();
        var broken = new List<string>();
        foreach (var page in DocPages(root))
        {
            var text = File.ReadAllText(page);
            foreach (System.Text.RegularExpressions.Match link in System.Text.RegularExpressions.Regex.Matches(text, @"\]\(([^)\s]+)\)"))
            {
                var target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, target));
                var api = Path.Combine(root, "docs", "api") + Path.DirectorySeparatorChar;
                if (!resolved.StartsWith(api, StringComparison.Ordinal) && !File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{Path.GetRelativePath(root, page)} → {link.Groups[1].Value}");
                }
            }
        }

        broken.Should().BeEmpty();
    }

    /// <summary>Markdown pages of the hand-written docs (docs/api is generated; docs/benchmarks holds measurements).</summary>
    internal static IEnumerable<string> DocPages(string root)
    {
        var docs = Path.Combine(root, "docs");
        var excluded = new[] { Path.Combine(docs, "api"), Path.Combine(docs, "benchmarks") };
        return Directory.EnumerateFiles(docs, "*.md", SearchOption.AllDirectories)
            .Where(f => !excluded.Any(e => f.StartsWith(e + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>Region name → (all lines of its file, the region's lines with the common indent removed).</summary>
    private static Dictionary<string, (string[] Source, string[] Body)> Regions(string root)
    {
        var regions = new Dictionary<string, (string[], string[])>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "tests", "AuxLosses.Tests", "Docs"), "*.cs"))
        {
            var source = File.ReadAllLines(file);
            for (var i = 0; i < source.Length; i++)
            {
                var line = source[i].Trim();
                if (!line.StartsWith("// docs:begin ", StringComparison.Ordinal))
                {
                    continue;
                }

                var name = line["// docs:begin ".Length..];
                var finish = Array.FindIndex(source, i + 1, l => l.Trim() == $"// docs:end {name}");
                finish.Should().BeGreaterThan(i, $"region '{name}' in {Path.GetFileName(file)} must end");
                regions.Should().NotContainKey(name, $"region names are unique ('{name}' appears twice)");
                var region = source[(i + 1)..finish];
                var indent = region.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
                regions[name] = (source, region.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).ToArray());
            }
        }

        return regions;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuxLosses.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AuxLosses.sln not found above the test output folder.");
    }
}
