using System;
using System.IO;
using System.Linq;
using System.Text;

namespace AuxLosses.NotebookRunner;

/// <summary>
/// Runs the fixture notebooks in Fixtures/ and checks the runner's own behaviour: notebook scoping works, and every
/// kind of failure makes the run fail with a message that names the notebook's cell.
/// </summary>
internal static class SelfTest
{
    private static readonly Case[] Cases =
    [
        new("scoping.ipynb", Passes: true,
            Expected: ["--- cell 7 ok", "answer=42", "second declaration: 2", "Point { X = 1, Y = 2 }", "[display: 1 image(s)", "trailing expression 6", "OK scoping.ipynb: 6 code cells"],
            Forbidden: ["FAILED"]),
        new("throws.ipynb", Passes: false,
            Expected: ["FAILED throws.ipynb cell 4 (code cell 3 of 4): System.InvalidOperationException: boom in the third code cell", "FAILED throws.ipynb"],
            Forbidden: ["--- throws.ipynb cell 5", "never printed"]),
        new("does-not-compile.ipynb", Passes: false,
            Expected: ["FAILED does-not-compile.ipynb cell 3 (code cell 2 of 2): the cell does not compile", "line 2: CS0103"],
            Forbidden: ["--- cell 3 ok"]),
        new("missing-reference.ipynb", Passes: false,
            Expected: ["FAILED missing-reference.ipynb cell 2 (code cell 1 of 1): the cell does not compile", "CS0246"],
            Forbidden: []),
        new("wrong-version.ipynb", Passes: false,
            Expected: ["FAILED wrong-version.ipynb: wrong-version.ipynb cell 2, line 2: '#r \"nuget: ScottPlot, 4.1.0\"' asks for version 4.1.0, but Directory.Packages.props pins ScottPlot 5.1.59."],
            Forbidden: ["--- wrong-version.ipynb cell"]),
        new("no-backend.ipynb", Passes: false,
            Expected: ["FAILED no-backend.ipynb: no-backend.ipynb cell 1: 'AuxLosses' runs on TorchSharp, which needs a native backend"],
            Forbidden: ["--- no-backend.ipynb cell"]),
    ];

    public static int Run()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var failures = 0;
        foreach (var test in Cases)
        {
            var output = new StringBuilder();
            Console.WriteLine($"=== self-test {test.Notebook} (expected to {(test.Passes ? "pass" : "fail")})");
            var exitCode = ChildProcess.Run(Path.Combine(directory, test.Notebook), writeOutputsTo: null, TimeSpan.FromMinutes(2), output);
            var text = output.ToString();
            var problems = test.Expected.Where(expected => !text.Contains(expected, StringComparison.Ordinal)).Select(expected => $"missing \"{expected}\"")
                .Concat(test.Forbidden.Where(forbidden => text.Contains(forbidden, StringComparison.Ordinal)).Select(forbidden => $"unexpected \"{forbidden}\""))
                .ToList();
            if ((exitCode == 0) != test.Passes)
            {
                problems.Insert(0, $"exit code {exitCode}");
            }

            Console.WriteLine(problems.Count == 0 ? $"self-test ok: {test.Notebook}" : $"SELF-TEST FAILED {test.Notebook}: {string.Join("; ", problems)}");
            failures += problems.Count == 0 ? 0 : 1;
        }

        Console.WriteLine(failures == 0 ? $"Runner self-test: all {Cases.Length} cases behaved" : $"Runner self-test: {failures} of {Cases.Length} cases misbehaved");
        return failures == 0 ? 0 : 1;
    }

    private sealed record Case(string Notebook, bool Passes, string[] Expected, string[] Forbidden);
}
