using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace AuxLosses.NotebookRunner;

/// <summary>A <c>#r "nuget: Name, Version"</c> line of a cell.</summary>
internal sealed partial record PackageDirective(string Name, string Version, int Line)
{
    /// <summary>
    /// Takes the directives out of a cell and returns the C# left (each removed line left empty, so compiler line
    /// numbers still match the cell). Polyglot's cell-kernel selectors (<c>#!csharp</c>) are dropped; any other
    /// <c>#r</c> or <c>#!</c> magic is rejected: the runner cannot give it its notebook meaning.
    /// </summary>
    public static (string Code, IReadOnlyList<PackageDirective> Directives) Extract(string source, string where)
    {
        var directives = new List<PackageDirective>();
        var code = new StringBuilder(source.Length);
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.Trim();
            var match = Nuget().Match(trimmed);
            if (match.Success)
            {
                if (!match.Groups["version"].Success)
                {
                    throw new NotebookFormatException($"{where}, line {i + 1}: '{trimmed}' has no version; pin one (#r \"nuget: {match.Groups["name"].Value}, <version>\") so the notebook is reproducible.");
                }

                directives.Add(new PackageDirective(match.Groups["name"].Value, match.Groups["version"].Value, i + 1));
                line = string.Empty;
            }
            else if (trimmed is "#!csharp" or "#!c#" or "#!C#")
            {
                line = string.Empty;
            }
            else if (trimmed.StartsWith("#r ", StringComparison.Ordinal) || trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                throw new NotebookFormatException($"{where}, line {i + 1}: '{trimmed}' is not supported by the notebook runner (only #r \"nuget: Name, Version\" and #!csharp are).");
            }

            code.Append(line);
            if (i < lines.Length - 1)
            {
                code.Append('\n');
            }
        }

        return (code.ToString(), directives);
    }

    [GeneratedRegex("^#r\\s+\"nuget:\\s*(?<name>[A-Za-z0-9_.\\-]+)\\s*(,\\s*(?<version>[^\"\\s]+)\\s*)?\"$")]
    private static partial Regex Nuget();
}
