using System.Diagnostics;
using System.IO;
using System.Linq;
using FluentAssertions;

namespace AuxLosses.Models.Tests.ScalarLifetime;

/// <summary>
/// Keeps the libraries free of temporary TorchSharp scalars, which the finalizer can free while a native op
/// still reads them (see src/AuxLosses/Internal/Scalars.cs).
/// </summary>
public sealed class ScalarLifetimeTests
{
    private static readonly string Root = ScalarLifetimeScan.RepositoryRoot();

    private static readonly string[] Projects = ["src/AuxLosses", "src/AuxLosses.Models"];

    [Fact]
    public void Library_sources_create_no_temporary_scalars()
    {
        var watch = Stopwatch.StartNew();
        var sources = Projects
            .SelectMany(p => ScalarLifetimeScan.SourceFiles(Path.Combine(Root, p)))
            .Select(f => (f, File.ReadAllText(f)));
        var compilation = ScalarLifetimeScan.Compile(sources);

        ScalarLifetimeScan.Errors(compilation).Should().BeEmpty("the scan must bind every call to see its target");
        var findings = ScalarLifetimeScan.Findings(compilation, Root).ToList();
        findings.Should().BeEmpty(
            "a temporary Scalar can be finalized while native code reads it; use AuxLosses.Internal.Scalars "
            + "constants, `using var s = value.ToScalar();`, or add(b, Scalars.One) instead of add(b) / a + b. "
            + "Sites:\n" + string.Join("\n", findings));
        watch.Elapsed.TotalSeconds.Should().BeLessThan(30);
    }

    [Theory]
    [InlineData("x.mul(0.5)", "temporary Scalar from double")]
    [InlineData("x.add(y)", "Tensor.add(Tensor)")]
    [InlineData("x + y", "Tensor.op_Addition(Tensor, Tensor)")]
    [InlineData("x.add_(y)", "Tensor.add_(Tensor)")]
    [InlineData("x * 2.0", "Tensor.op_Multiply(Tensor, Double)")]
    [InlineData("1 - x", "Tensor.op_Subtraction(Int32, Tensor)")]
    [InlineData("torch.arange(0, 4)", "temporary Scalar from int")]
    [InlineData("torch.arange(s)", "torch.arange(Scalar")]
    [InlineData("x.masked_fill(y.gt(s), double.NegativeInfinity)", "temporary Scalar from double")]
    [InlineData("x.clamp(max: 5.0)", "temporary Scalar from double")]
    [InlineData("x.square()", "Tensor.square()")]
    [InlineData("x.ToDouble()", "ToDouble(Tensor)")]
    public void Scan_flags_each_kind_of_temporary_scalar(string expression, string expected)
    {
        var findings = ScanSnippet($"var r = {expression};");
        findings.Should().Contain(f => f.Contains(expected, System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("x.add(y, s)")]
    [InlineData("x.sub(y)")]
    [InlineData("x - y")]
    [InlineData("x.mul(s)")]
    [InlineData("x.mul(y)")]
    [InlineData("torch.arange(s, s, s)")]
    [InlineData("x.item<double>()")]
    public void Scan_accepts_kept_alive_scalars(string expression)
    {
        ScanSnippet($"var r = {expression};").Should().BeEmpty();
    }

    [Fact]
    public void Scan_honours_the_commented_suppression()
    {
        ScanSnippet("var r = x.mul(0.5); // scalar-lifetime: safe because this test says so").Should().BeEmpty();
        ScanSnippet("// scalar-lifetime: safe because this test says so\nvar r = x.mul(0.5);").Should().BeEmpty();
        ScanSnippet("// an unrelated comment\nvar r = x.mul(0.5);").Should().ContainSingle();
    }

    private static System.Collections.Generic.IReadOnlyList<string> ScanSnippet(string statement)
    {
        var source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            internal static class Snippet
            {
                internal static void Run(Tensor x, Tensor y)
                {
                    using var s = 3.0.ToScalar();
                    {{statement}}
                }
            }
            """;
        var compilation = ScalarLifetimeScan.Compile([("snippet.cs", source)]);
        ScalarLifetimeScan.Errors(compilation).Should().BeEmpty();
        return ScalarLifetimeScan.Findings(compilation, ".");
    }
}
