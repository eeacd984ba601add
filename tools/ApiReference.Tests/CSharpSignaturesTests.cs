using System;
using System.Collections.Generic;
using System.Reflection;
using AuxLosses.ApiReference.Tests.Samples;
using FluentAssertions;

namespace AuxLosses.ApiReference.Tests;

public sealed class CSharpSignaturesTests
{
    private readonly CSharpSignatures _signatures = new(t => t.Namespace == typeof(Sample).Namespace);

    private string Of(string name) => _signatures.Declaration(typeof(Sample).GetMember(name)[0]);

    [Fact]
    public void Generic_names_use_keywords_angle_brackets_and_question_marks()
    {
        _signatures.TypeName(typeof(Dictionary<string, List<int?>>)).Should().Be("Dictionary<string, List<int?>>");
        _signatures.TypeName(typeof(Func<long[], double[,]>)).Should().Be("Func<long[], double[,]>");
        _signatures.DisplayName(typeof(Container<>)).Should().Be("Container<T>");
        _signatures.DisplayName(typeof(Container<>.Inner<>)).Should().Be("Container<T>.Inner<U>");
    }

    [Fact]
    public void Type_declarations_show_modifiers_bases_and_nullable_type_arguments()
    {
        _signatures.Declaration(typeof(Sample)).Should().Be("public sealed class Sample : Base<string, List<int?>?>, INamed");
        _signatures.Declaration(typeof(Base<,>)).Should().Be("public abstract class Base<TIn, TOut>");
        _signatures.Declaration(typeof(Mode)).Should().Be("public enum Mode : long");
        _signatures.Declaration(typeof(Item)).Should().Be("public sealed record Item");
    }

    [Fact]
    public void Members_show_defaults_accessors_tuples_and_by_reference_parameters()
    {
        _signatures.Declaration(typeof(Sample).GetConstructors()[0])
            .Should().Be("public Sample(string name, Mode mode = Mode.Second, double scale = 0.1, string? note = null)");
        Of(nameof(Sample.Name)).Should().Be("public string Name { get; }");
        Of(nameof(Sample.Mode)).Should().Be("public Mode Mode { get; init; }");
        Of(nameof(Sample.Note)).Should().Be("public string? Note { get; }");
        Of(nameof(Sample.Epsilon)).Should().Be("public const double Epsilon = 1E-05;");
        Of(nameof(Sample.Shared)).Should().Be("public static readonly Sample Shared;");
        Of(nameof(Sample.Renamed)).Should().Be("public event EventHandler<string>? Renamed;");
        Of(nameof(Sample.forward)).Should().Be("public override List<int?>? forward(string input)");
        Of(nameof(Sample.Rename)).Should().Be("public void Rename(string name)");
        Of(nameof(Sample.Sum)).Should().Be("public (int Count, (string Key, double Value) Last) Sum(params (string Name, double Weight)[] terms)");
        Of(nameof(Sample.ByRef)).Should().Be("public static void ByRef(in int a, ref long b, out string c, float[,] grid, byte[][] jagged)");
        Of(nameof(Sample.First)).Should().Be(
            "public static T? First<T>(IReadOnlyDictionary<string, IEnumerable<T>> items, Func<T, bool> selector) where T : class, IComparable<T>");
        Of("op_Implicit").Should().Be("public static implicit operator Sample(string name)");
        Of("op_Addition").Should().Be("public static Sample operator +(Sample left, Sample right)");
        _signatures.Declaration(typeof(Sample).GetProperty("Item")!).Should().Be("public int this[string key] { get; }");
        _signatures.Declaration(typeof(Base<,>).GetMethod("Describe")!).Should().Be("public virtual string Describe()");
    }

    [Fact]
    public void Headings_name_the_parameter_types()
    {
        _signatures.Heading(typeof(Sample).GetConstructors()[0]).Should().Be("Sample(string, Mode, double, string)");
        _signatures.Heading(typeof(Sample).GetMethod(nameof(Sample.ByRef))!).Should().Be("ByRef(int, long, string, float[,], byte[][])");
        _signatures.Heading(typeof(Sample).GetProperty("Item")!).Should().Be("this[string]");
        _signatures.Heading(typeof(Sample).GetMethod("op_Addition", BindingFlags.Public | BindingFlags.Static)!).Should().Be("operator +(Sample, Sample)");
    }
}
