using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace AuxLosses.NotebookRunner;

/// <summary>
/// Runs one notebook's code cells in order in this process, as Polyglot Notebooks' C# kernel does: each cell is a
/// Roslyn script submission continuing the previous one, so variables, functions and types of earlier cells stay in
/// scope and a later cell may declare a name again. The working directory is the notebook's folder. Execution stops
/// at the first cell that fails to compile or throws, and the report names that cell.
/// </summary>
internal static class NotebookExecutor
{
    /// <summary>Namespaces every cell sees without a using directive (a subset of the C# kernel's defaults).</summary>
    private static readonly string[] DefaultImports =
        ["System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];

    public static async Task<int> RunAsync(string notebookPath, string? writeOutputsTo)
    {
        var console = Console.Out;
        var name = Path.GetFileName(notebookPath);
        var catalog = PackageCatalog.ForCurrentApplication();
        NotebookDocument notebook;
        try
        {
            notebook = NotebookDocument.Load(notebookPath);
            CheckPackages(notebook, catalog);
        }
        catch (NotebookFormatException e)
        {
            console.WriteLine($"FAILED {name}: {e.Message}");
            return 1;
        }

        var records = new Dictionary<int, CellRecord>();
        CellRecord? current = null;
        var globals = new NotebookGlobals(text => console.Write(text));
        Console.SetOut(new TeeWriter(console, () => current));
        Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);

        var options = ScriptOptions.Default
            .WithReferences(FrameworkReferences().Append(typeof(NotebookGlobals).Assembly.Location).Select(path => MetadataReference.CreateFromFile(path)))
            .WithImports(DefaultImports)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(false);
        var referenced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        ScriptState<object>? state = null;
        var codeCells = notebook.CodeCells.ToList();
        var total = Stopwatch.StartNew();
        var failed = false;
        foreach (var cell in codeCells)
        {
            var where = $"{name} cell {cell.Number} (code cell {cell.CodeNumber} of {codeCells.Count})";
            console.WriteLine($"--- {where} ---");
            current = new CellRecord(cell.CodeNumber);
            records[cell.Number] = current;
            globals.Current = current;
            var clock = Stopwatch.StartNew();
            try
            {
                var (code, directives) = PackageDirective.Extract(cell.Source, where);
                var added = directives.SelectMany(directive => catalog.Resolve(directive, $"{where}, line {directive.Line}"))
                    .Where(referenced.Add).Select(path => MetadataReference.CreateFromFile(path)).ToList();
                options = options.AddReferences(added).WithFilePath($"{name}#cell{cell.Number}");
                foreach (var directive in directives)
                {
                    current.AppendText($"Installed package {directive.Name} version {directive.Version}\n");
                    console.WriteLine($"[#r nuget: {directive.Name}, {directive.Version}]");
                }

                state = state is null
                    ? await CSharpScript.RunAsync(code, options, globals, typeof(NotebookGlobals)).ConfigureAwait(false)
                    : await state.ContinueWithAsync(code, options).ConfigureAwait(false);
                if (state.ReturnValue is { } value)
                {
                    // A trailing expression without ';' is displayed, as in a notebook.
                    globals.display(value);
                }

                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--- cell {cell.Number} ok ({clock.Elapsed.TotalSeconds:F2} s)"));
            }
            catch (CompilationErrorException e)
            {
                var errors = e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
                    .Select(d => $"  line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}");
                console.WriteLine($"FAILED {where}: the cell does not compile:\n{string.Join("\n", errors)}");
                failed = true;
            }
            catch (NotebookFormatException e)
            {
                console.WriteLine($"FAILED {e.Message}");
                failed = true;
            }
#pragma warning disable CA1031 // A cell may throw anything; the runner reports it and names the cell.
            catch (Exception e)
#pragma warning restore CA1031
            {
                console.WriteLine($"FAILED {where}: {e.GetType().FullName}: {e.Message}\n{e}");
                failed = true;
            }
            finally
            {
                globals.Current = null;
            }

            if (failed)
            {
                break;
            }
        }

        Console.SetOut(console);
        if (writeOutputsTo is not null)
        {
            notebook.WriteOutputs(records, writeOutputsTo);
            console.WriteLine($"wrote executed outputs to {writeOutputsTo}");
        }

        console.WriteLine(failed
            ? $"FAILED {name}"
            : string.Create(CultureInfo.InvariantCulture, $"OK {name}: {codeCells.Count} code cells in {total.Elapsed.TotalSeconds:F1} s"));
        return failed ? 1 : 0;
    }

    /// <summary>The shared framework's assemblies, which every Polyglot C# cell can use.</summary>
    private static IEnumerable<string> FrameworkReferences()
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator);
        return trusted.Where(path => path.Length > 0 && string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal));
    }

    /// <summary>Every directive resolves before anything runs, and TorchSharp users must load a native backend.</summary>
    private static void CheckPackages(NotebookDocument notebook, PackageCatalog catalog)
    {
        var name = Path.GetFileName(notebook.Path);
        var directives = new List<(NotebookCell Cell, PackageDirective Directive)>();
        foreach (var cell in notebook.CodeCells)
        {
            var where = $"{name} cell {cell.Number}";
            foreach (var directive in PackageDirective.Extract(cell.Source, where).Directives)
            {
                catalog.Resolve(directive, $"{where}, line {directive.Line}");
                directives.Add((cell, directive));
            }
        }

        var torchUser = directives.FirstOrDefault(d => catalog.NeedsTorchSharp(d.Directive.Name) && !PackageCatalog.IsTorchSharpBackend(d.Directive.Name));
        if (torchUser.Directive is not null && !directives.Any(d => PackageCatalog.IsTorchSharpBackend(d.Directive.Name)))
        {
            throw new NotebookFormatException(
                $"{name} cell {torchUser.Cell.Number}: '{torchUser.Directive.Name}' runs on TorchSharp, which needs a native backend: add #r \"nuget: TorchSharp-cpu, <version>\" (or a CUDA backend).");
        }
    }
}
