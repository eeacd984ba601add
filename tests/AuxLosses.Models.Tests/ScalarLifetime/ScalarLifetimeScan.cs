using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AuxLosses.Models.Tests.ScalarLifetime;

/// <summary>
/// Compiles the library sources with Roslyn and lists every place where a TorchSharp <c>Scalar</c> is a
/// temporary: a user-defined conversion to <c>Scalar</c> (<c>x.mul(0.5)</c>), or a call of a TorchSharp method
/// that creates one inside (<see cref="TorchSharpScalarHazards"/>). A line may opt out with a comment
/// <c>// scalar-lifetime: safe because ...</c> on it or on the line above.
/// </summary>
internal static class ScalarLifetimeScan
{
    private const string Suppression = "scalar-lifetime: safe because";

    /// <summary>The repository root, found from the test's working directory.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuxLosses.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("AuxLosses.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The C# files of a project folder, as MSBuild compiles them (no bin/obj, no buildTransitive).</summary>
    public static IEnumerable<string> SourceFiles(string projectDir) => Directory
        .EnumerateFiles(projectDir, "*.cs", SearchOption.AllDirectories)
        .Where(f =>
        {
            var relative = Path.GetRelativePath(projectDir, f).Replace('\\', '/');
            return !relative.StartsWith("bin/", StringComparison.Ordinal)
                && !relative.StartsWith("obj/", StringComparison.Ordinal)
                && !relative.StartsWith("buildTransitive/", StringComparison.Ordinal);
        });

    /// <summary>Compiles <paramref name="sources"/> (path, text) against the test's own runtime assemblies.</summary>
    public static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path)).ToList();
        // Everything the test host loads (BCL, TorchSharp, Tokenizers, SkiaSharp, ...) except the compiled
        // libraries under scan, whose types the sources define.
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = platform
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !Path.GetFileName(p).StartsWith("AuxLosses", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create(
            "ScalarLifetimeScan",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>Compile errors (a scan over code that does not bind would miss sites).</summary>
    public static IReadOnlyList<string> Errors(CSharpCompilation compilation) => compilation
        .GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        // [GeneratedRegex] partial methods: their bodies come from a source generator the scan does not run.
        .Where(d => d.Id != "CS8795")
        .Select(d => d.ToString())
        .ToList();

    /// <summary>Every hazardous site as "path:line: what", paths relative to <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> Findings(CSharpCompilation compilation, string root)
    {
        var hazards = TorchSharpScalarHazards.Methods;
        var findings = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            var text = tree.GetText();
            foreach (var node in tree.GetRoot().DescendantNodes().Where(IsOperationRoot))
            {
                if (model.GetOperation(node) is not { } rootOperation)
                {
                    continue;
                }
                foreach (var operation in rootOperation.DescendantsAndSelf())
                {
                    var what = Describe(operation, hazards);
                    if (what is null)
                    {
                        continue;
                    }
                    var line = operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line;
                    if (Suppressed(text, line))
                    {
                        continue;
                    }
                    var path = Path.GetRelativePath(root, tree.FilePath).Replace('\\', '/');
                    findings.Add($"{path}:{line + 1}: {what}: {Shorten(operation.Syntax.ToString())}");
                }
            }
        }
        return findings.ToList();
    }

    private static bool IsOperationRoot(SyntaxNode node) => node switch
    {
        BaseMethodDeclarationSyntax or AccessorDeclarationSyntax => true,
        ArrowExpressionClauseSyntax => node.Parent is PropertyDeclarationSyntax or IndexerDeclarationSyntax,
        EqualsValueClauseSyntax => node.Parent is VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } or PropertyDeclarationSyntax or ParameterSyntax,
        PrimaryConstructorBaseTypeSyntax => true,
        _ => false,
    };

    private static string? Describe(IOperation operation, IReadOnlyDictionary<int, string> hazards)
    {
        if (operation is IConversionOperation { OperatorMethod: not null } conversion && IsScalar(conversion.Type))
        {
            return $"temporary Scalar from {conversion.Operand.Type?.ToDisplayString() ?? "?"}";
        }
        var method = operation switch
        {
            IInvocationOperation i => i.TargetMethod,
            IBinaryOperation b => b.OperatorMethod,
            IUnaryOperation u => u.OperatorMethod,
            ICompoundAssignmentOperation c => c.OperatorMethod,
            IConversionOperation c => c.OperatorMethod,
            IMethodReferenceOperation r => r.Method,
            IObjectCreationOperation o => o.Constructor,
            _ => null,
        };
        if (method is null)
        {
            return null;
        }
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (definition.ContainingAssembly?.Name != "TorchSharp" || !hazards.TryGetValue(definition.MetadataToken, out var why))
        {
            return null;
        }
        return $"{definition.ContainingType.Name}.{definition.Name}({string.Join(", ", definition.Parameters.Select(p => p.Type.Name))}) {why}";
    }

    private static bool IsScalar(ITypeSymbol? type) =>
        type is { Name: "Scalar", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } };

    private static bool Suppressed(Microsoft.CodeAnalysis.Text.SourceText text, int line) =>
        text.Lines[line].ToString().Contains(Suppression, StringComparison.Ordinal)
        || (line > 0 && text.Lines[line - 1].ToString().Contains(Suppression, StringComparison.Ordinal));

    private static string Shorten(string code)
    {
        var flat = string.Join(' ', code.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 90 ? flat : flat[..87] + "...";
    }
}
