using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AuxLosses.NotebookRunner;

// Executes Polyglot Notebooks (.ipynb, C# kernel) without a notebook kernel: every notebook runs in a fresh child
// process, its code cells in order; the exit code is non-zero when any cell of any notebook fails.
//
//   NotebookRunner [--write-outputs] [--timeout SECONDS] <notebook.ipynb | folder> ...
//   NotebookRunner --self-test        runs the fixtures in Fixtures/ and checks that failures name their cell
const string Usage = "usage: NotebookRunner [--write-outputs] [--timeout SECONDS] <notebook.ipynb | folder> ... | --self-test";

if (args.Length >= 2 && args[0] == "--child")
{
    return await NotebookExecutor.RunAsync(args[1], args.Length >= 4 && args[2] == "--write-outputs-to" ? args[3] : null);
}

if (args.Length == 1 && args[0] == "--self-test")
{
    return SelfTest.Run();
}

var writeOutputs = false;
var timeout = TimeSpan.FromMinutes(5);
var notebooks = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--write-outputs":
            writeOutputs = true;
            break;
        case "--timeout" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
            timeout = TimeSpan.FromSeconds(seconds);
            i++;
            break;
        case var path when Directory.Exists(path):
            notebooks.AddRange(Directory.GetFiles(path, "*.ipynb").Order(StringComparer.Ordinal));
            break;
        case var path when File.Exists(path) && path.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase):
            notebooks.Add(path);
            break;
        default:
            Console.Error.WriteLine($"not a notebook, folder or option: '{args[i]}'\n{Usage}");
            return 2;
    }
}

if (notebooks.Count == 0)
{
    Console.Error.WriteLine($"no notebook given or found\n{Usage}");
    return 2;
}

var results = new List<(string Notebook, int ExitCode, TimeSpan Elapsed)>();
foreach (var notebook in notebooks)
{
    var fullPath = Path.GetFullPath(notebook);
    Console.WriteLine($"=== {notebook}");
    var clock = Stopwatch.StartNew();
    var exitCode = ChildProcess.Run(fullPath, writeOutputs ? fullPath : null, timeout, captured: null);
    results.Add((notebook, exitCode, clock.Elapsed));
}

Console.WriteLine();
foreach (var (notebook, exitCode, elapsed) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(exitCode == 0 ? "ok    " : "FAILED")} {elapsed.TotalSeconds,6:F1} s  {notebook}"));
}

var failures = results.Count(r => r.ExitCode != 0);
Console.WriteLine(failures == 0
    ? $"Notebooks: all {results.Count} ran without an error"
    : $"Notebooks: {failures} of {results.Count} failed");
return failures == 0 ? 0 : 1;
