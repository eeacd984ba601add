using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using AuxLosses.ApiReference.Tests.Samples;
using FluentAssertions;

namespace AuxLosses.ApiReference.Tests;

public sealed class DocIdsTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The documentation IDs the compiler wrote for this assembly.</summary>
    private static readonly string[] CompilerIds = XDocument.Load(Path.ChangeExtension(typeof(Sample).Assembly.Location, ".xml"))
        .Descendants("member").Select(m => (string)m.Attribute("name")!).ToArray();

    [Theory]
    [InlineData(typeof(Sample))]
    [InlineData(typeof(Base<,>))]
    [InlineData(typeof(INamed))]
    [InlineData(typeof(Mode))]
    [InlineData(typeof(Container<>))]
    [InlineData(typeof(Container<>.Inner<>))]
    [InlineData(typeof(Item))]
    public void Every_documented_member_gets_the_compilers_id(Type type)
    {
        var members = type.GetMembers(Declared)
            .Where(m => m is not MethodInfo { IsSpecialName: true } || m.Name.StartsWith("op_", StringComparison.Ordinal))
            .Where(m => !m.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false))
            .Where(m => m is not FieldInfo { IsSpecialName: true } && m is not Type)
            .Where(m => m is not ConstructorInfo ctor || ctor.GetParameters().Length > 0) // implicit constructors have no docs
            .Prepend(type)
            .ToList();

        members.Should().HaveCountGreaterThan(1);
        foreach (var member in members)
        {
            CompilerIds.Should().Contain(DocIds.Of(member), $"{member.MemberType} {member} needs its compiler doc ID");
        }
    }

    [Fact]
    public void Ids_spell_out_generics_by_reference_and_arrays()
    {
        DocIds.Of(typeof(Sample).GetMethod(nameof(Sample.ByRef))!)
            .Should().Be("M:AuxLosses.ApiReference.Tests.Samples.Sample.ByRef(System.Int32@,System.Int64@,System.String@,System.Single[0:,0:],System.Byte[][])");
        DocIds.Of(typeof(Sample).GetMethod(nameof(Sample.First))!)
            .Should().Be("M:AuxLosses.ApiReference.Tests.Samples.Sample.First``1(System.Collections.Generic.IReadOnlyDictionary{System.String,System.Collections.Generic.IEnumerable{``0}},System.Func{``0,System.Boolean})");
        DocIds.Of(typeof(Container<>.Inner<>).GetMethod("Pair")!)
            .Should().Be("M:AuxLosses.ApiReference.Tests.Samples.Container`1.Inner`1.Pair(`0,`1)");
        DocIds.Of(typeof(Sample).GetMethod("op_Implicit")!)
            .Should().Be("M:AuxLosses.ApiReference.Tests.Samples.Sample.op_Implicit(System.String)~AuxLosses.ApiReference.Tests.Samples.Sample");
    }
}
