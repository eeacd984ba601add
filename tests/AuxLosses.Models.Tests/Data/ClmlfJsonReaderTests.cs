using System.IO;
using System.Linq;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Data;

public class ClmlfJsonReaderTests
{
    [Fact]
    public void Reads_string_and_numeric_ids_escapes_and_ignores_extra_members()
    {
        var data = PostReaders.ReadClmlfJson(DataFiles.Fixture("clmlf_good.json"), split: "dev");

        data.Posts.Should().Equal(
            new SocialMediaPost("7", "hello", 0, null, "dev"),
            new SocialMediaPost("8", "café \"q\"", 2, null, "dev"),
            new SocialMediaPost("9", "multi", 1, null, "dev"));
    }

    [Fact]
    public void Bad_label_is_reported_at_the_line_its_object_starts_on()
    {
        string path = DataFiles.Fixture("clmlf_bad_rows.json");
        var act = () => PostReaders.ReadClmlfJson(path);

        var e = act.Should().Throw<MalformedRowException>().Which;
        e.FilePath.Should().Be(path);
        e.LineNumber.Should().Be(3);
        e.Reason.Should().Be("label 'x' is not a non-negative integer");
    }

    [Fact]
    public void Collect_mode_lists_every_bad_element_with_its_line()
    {
        string path = DataFiles.Fixture("clmlf_bad_rows.json");
        var data = PostReaders.ReadClmlfJson(path, new PostReaderOptions { CollectMalformedRows = true });

        data.Posts.Select(p => p.Id).Should().Equal("1", "5");
        data.SkippedRows.Select(r => r.LineNumber).Should().Equal(3, 4, 5);
        data.SkippedRows[1].Reason.Should().Be("malformed: post 3: missing or non-string 'text'");
        data.SkippedRows[2].Reason.Should().Be("malformed: expected an object, found String");
    }

    [Fact]
    public void Syntax_error_throws_with_the_json_line_even_in_collect_mode()
    {
        string path = DataFiles.Fixture("clmlf_syntax.json");
        var act = () => PostReaders.ReadClmlfJson(path, new PostReaderOptions { CollectMalformedRows = true });

        var e = act.Should().Throw<MalformedRowException>().Which;
        e.FilePath.Should().Be(path);
        e.LineNumber.Should().Be(3);
        e.Reason.Should().StartWith("invalid JSON");
    }

    [Fact]
    public void Non_array_top_level_and_byte_order_mark()
    {
        string notArray = DataFiles.TempFile("{\"id\": \"1\"}", ".json");
        ((System.Action)(() => PostReaders.ReadClmlfJson(notArray))).Should().Throw<MalformedRowException>()
            .Which.Reason.Should().Be("expected a JSON array of posts");

        string bom = Path.Combine(Path.GetTempPath(), "auxlosses-data-bom-" + System.Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(bom, "[\n{\"id\": \"1\", \"text\": \"t\", \"emotion_label\": 1}\n]", new System.Text.UTF8Encoding(true));
        PostReaders.ReadClmlfJson(bom).Posts.Should().Equal(new SocialMediaPost("1", "t", 1));
    }
}
