using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using AuxLosses.ApiReference.Tests.Samples;
using FluentAssertions;

namespace AuxLosses.ApiReference.Tests;

public sealed partial class ApiSiteTests
{
    private static readonly string[] MemberHeadings = ["## Constructors", "## Properties", "## Methods", "## Operators", "## Fields", "## Events"];

    /// <summary>The real reference of both libraries, as .ci/apidocs.sh writes it.</summary>
    private static SortedDictionary<string, string> RenderLibraries(out List<string> problems)
    {
        var docs = new DocComments();
        var assemblies = new[] { typeof(ImageTextContrastiveLoss).Assembly, typeof(Models.BertModel).Assembly };
        foreach (var assembly in assemblies)
        {
            docs.TryLoadBeside(assembly).Should().BeTrue($"{assembly.GetName().Name}.xml must sit beside the assembly");
        }

        var site = new ApiSite(assemblies, docs);
        var pages = site.Render();
        problems = site.Problems;
        return pages;
    }

    [Fact]
    public void The_library_reference_is_complete_linked_and_deterministic()
    {
        var pages = RenderLibraries(out var problems);
        problems.Should().BeEmpty("every public member has documentation and its doc ID is found");
        RenderLibraries(out _).Should().Equal(pages);

        foreach (var (path, content) in pages)
        {
            foreach (Match link in Link().Matches(content))
            {
                var href = link.Groups[1].Value;
                if (href.StartsWith("https://", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = href.IndexOf('#', StringComparison.Ordinal);
                var file = hash < 0 ? href : href[..hash];
                var target = file.Length == 0 ? path : Path.GetRelativePath(".", Path.Combine(Path.GetDirectoryName(path)!, file)).Replace('\\', '/');
                pages.Should().ContainKey(target, $"{path} links to {href}");
                if (hash >= 0)
                {
                    pages[target].Should().Contain($"<a id=\"{href[(hash + 1)..]}\"></a>", $"{path} links to {href}");
                }
            }
        }

        pages["AuxLosses.Models/BertModel.md"].Should().Contain("public sealed class BertModel : Module<Tensor, Tensor, Tensor?, TextEncoderOutput>, ITextEncoder");
        pages["AuxLosses/JointObjective.md"].Should().Contain("public JointObjectiveResult Compute(params (string Name, Tensor Value)[] terms)");
        pages["AuxLosses/README.md"].Should().Contain("| [`ImageTextContrastiveLoss`](ImageTextContrastiveLoss.md) | ");
    }

    [Fact]
    public void Inheritdoc_takes_the_interface_or_base_documentation()
    {
        var docs = new DocComments();
        docs.TryLoadBeside(typeof(Sample).Assembly).Should().BeTrue();

        docs.For(typeof(Sample).GetProperty(nameof(Sample.Name))!)!.Element("summary")!.Value.Should().Be("The interface's name documentation.");
        docs.For(typeof(Sample).GetMethod(nameof(Sample.Rename))!)!.Element("param")!.Value.Should().Be("The new name.");
        docs.For(typeof(Sample).GetMethod(nameof(Sample.forward))!)!.Element("returns")!.Value.Should().Be("The output.");
    }

    [Fact]
    public void Sample_pages_list_members_by_kind_with_anchors()
    {
        var docs = new DocComments();
        docs.TryLoadBeside(typeof(Sample).Assembly);
        var site = new ApiSite([typeof(Sample).Assembly], docs);
        var page = site.Render()["AuxLosses.ApiReference.Tests.Samples/Sample.md"];

        page.Should().StartWith("# Sample class\n");
        var order = MemberHeadings.Select(h => page.IndexOf(h, StringComparison.Ordinal)).ToList();
        order.Should().NotContain(-1).And.BeInAscendingOrder();
        page.Should().Contain("<a id=\"byref-int-long-string-float-byte\"></a>\n\n### ByRef(int, long, string, float\\[,\\], byte\\[\\]\\[\\])");
        page.Should().Contain("See also: [`Base<TIn, TOut>`](Base-2.md), [`INamed`](INamed.md)");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
