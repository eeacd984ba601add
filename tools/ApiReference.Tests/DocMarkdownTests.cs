using System.Xml.Linq;
using FluentAssertions;

namespace AuxLosses.ApiReference.Tests;

public sealed class DocMarkdownTests
{
    // Our own types resolve to pages; anything else shows its name only.
    private static readonly DocMarkdown Markdown = new(cref => cref switch
    {
        "T:AuxLosses.FeatureQueue" => new CrefTarget("FeatureQueue", "FeatureQueue.md"),
        "M:AuxLosses.FeatureQueue.Enqueue(TorchSharp.torch.Tensor)" => new CrefTarget("FeatureQueue.Enqueue", "FeatureQueue.md#enqueue-tensor"),
        _ => ApiSite.External(cref),
    });

    private static string Blocks(string xml) => Markdown.Blocks(XElement.Parse(xml, LoadOptions.PreserveWhitespace));

    [Fact]
    public void Inline_tags_become_code_spans_and_links()
    {
        Blocks("""
            <summary>
            Stores <c>x_i</c> in a <see cref="T:AuxLosses.FeatureQueue"/> (see
            <see cref="M:AuxLosses.FeatureQueue.Enqueue(TorchSharp.torch.Tensor)"/>); <paramref name="labels"/> may be
            <see langword="null"/>. Uses <see cref="T:TorchSharp.torch.Tensor"/> and <see href="https://example.org/a">the paper</see>.
            </summary>
            """).Should().Be(
            "Stores `x_i` in a [`FeatureQueue`](FeatureQueue.md) (see [`FeatureQueue.Enqueue`](FeatureQueue.md#enqueue-tensor)); "
            + "`labels` may be `null`. Uses `Tensor` and [the paper](https://example.org/a).");
    }

    [Fact]
    public void System_crefs_link_to_the_dotnet_reference()
    {
        Blocks("""<summary><see cref="T:System.Collections.Generic.IReadOnlyList`1"/>, <see cref="M:System.IO.File.Exists(System.String)"/></summary>""")
            .Should().Be("[`IReadOnlyList<T>`](https://learn.microsoft.com/dotnet/api/system.collections.generic.ireadonlylist-1), "
                + "[`File.Exists`](https://learn.microsoft.com/dotnet/api/system.io.file.exists)");
        ApiSite.External("M:System.ArgumentException.#ctor(System.String)")
            .Should().Be(new CrefTarget("ArgumentException", "https://learn.microsoft.com/dotnet/api/system.argumentexception.-ctor"));
    }

    [Fact]
    public void Paragraphs_code_blocks_and_lists_are_separate_blocks()
    {
        Blocks("""
            <remarks>
            Intro text.
            <code>
                S = s · X · Yᵀ
                  L = CE(S, diag)
            </code>
            <para>Second <b>bold</b> and <i>italic</i>.</para>
            <list type="number"><item>one</item><item><term>two</term><description>the second</description></item></list>
            </remarks>
            """).Should().Be(
            "Intro text.\n\n```\nS = s · X · Yᵀ\n  L = CE(S, diag)\n```\n\nSecond **bold** and *italic*.\n\n1. one\n2. **two**: the second");
    }

    [Fact]
    public void Markdown_syntax_in_text_is_escaped_but_not_in_code()
    {
        Blocks("<summary>a*b_c [B, D] List<T> | x <c>a*b_c</c></summary>".Replace("<T>", "&lt;T&gt;", System.StringComparison.Ordinal))
            .Should().Be(@"a\*b\_c \[B, D\] List\<T\> \| x `a*b_c`");
        Blocks("<summary>- not a list</summary>").Should().Be(@"\- not a list");
        DocMarkdown.CodeSpan("a `tick` here").Should().Be("`` a `tick` here ``");
    }

    [Fact]
    public void One_line_forms_flatten_or_stop_at_the_first_block()
    {
        var summary = XElement.Parse("<summary>Loss of CLIP. <code>L = CE(S)</code> Then more.</summary>");
        Markdown.Inline(summary, firstParagraph: true).Should().Be("Loss of CLIP.");
        Markdown.Inline(summary).Should().Be("Loss of CLIP. `L = CE(S)` Then more.");
    }

    [Fact]
    public void Relative_links_between_pages()
    {
        ApiSite.Relative("AuxLosses/A.md", "AuxLosses/B.md").Should().Be("B.md");
        ApiSite.Relative("AuxLosses/A.md", "AuxLosses.Models/B.md").Should().Be("../AuxLosses.Models/B.md");
        ApiSite.Relative("README.md", "AuxLosses/README.md").Should().Be("AuxLosses/README.md");
        ApiSite.Slug("forward(Tensor, Tensor?)").Should().Be("forward-tensor-tensor");
    }
}
