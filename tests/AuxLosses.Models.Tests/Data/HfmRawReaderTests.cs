using System.Linq;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Data;

public class HfmRawReaderTests
{
    [Fact]
    public void Reads_three_and_four_element_lines_label_is_the_last_element_and_filter_applies()
    {
        string path = DataFiles.Fixture("hfm_raw_good.txt");
        var data = PostReaders.ReadHfmRaw(path, split: "train");

        data.Posts.Should().Equal(
            new SocialMediaPost("1001", "first post", 1, null, "train"),
            new SocialMediaPost("1002", "it's \"quoted\" \\ back", 1, null, "train"),
            new SocialMediaPost("1005", "jokester and Sarcasm stay", 0, null, "train"),
            new SocialMediaPost("1006", "tab\tand é A", 1, null, "train"));
        data.KeywordFiltered.Should().Be(2);
        data.SkippedRows.Should().Equal(
            new SkippedRow(path, 4, "HFM keyword filter: text contains 'sarcasm'"),
            new SkippedRow(path, 5, "HFM keyword filter: text contains 'joke'"));
    }

    [Fact]
    public void Filter_can_be_turned_off()
    {
        var data = PostReaders.ReadHfmRaw(DataFiles.Fixture("hfm_raw_good.txt"), new PostReaderOptions { HfmKeywordFilter = false });

        data.Posts.Select(p => p.Id).Should().Equal("1001", "1002", "1003", "1004", "1005", "1006");
        data.KeywordFiltered.Should().Be(0);
        data.SkippedRows.Should().BeEmpty();
    }

    [Theory]
    [InlineData("i love # sarcasm", true, "sarcasm")]
    [InlineData("so\tironic\n", true, "ironic")]
    [InlineData("see <url> now", true, "<url>")]
    [InlineData("#sarcasm is glued to the hash", false, null)]
    [InlineData("Sarcasm upper case", false, null)]
    [InlineData("jokester humorous exgagger", false, null)]
    [InlineData("", false, null)]
    public void Keyword_filter_matches_whole_whitespace_tokens_case_sensitively(string text, bool filtered, string? word)
    {
        PostReaders.ContainsFilterKeyword(text, out string? found).Should().Be(filtered);
        found.Should().Be(word);
    }

    [Fact]
    public void Filter_keywords_are_the_standard_eleven()
    {
        PostReaders.HfmFilterKeywords.Should().BeEquivalentTo(
            "sarcasm", "sarcastic", "reposting", "<url>", "joke", "humour", "humor", "jokes", "irony", "ironic", "exgag");
    }

    [Fact]
    public void First_malformed_line_throws_with_file_and_line()
    {
        string path = DataFiles.Fixture("hfm_raw_bad.txt");
        var act = () => PostReaders.ReadHfmRaw(path);

        var e = act.Should().Throw<MalformedRowException>().Which;
        e.FilePath.Should().Be(path);
        e.LineNumber.Should().Be(2);
        e.Reason.Should().Be("expected a Python list starting with '[' at column 1");
    }

    [Fact]
    public void Collect_mode_reports_each_malformed_line()
    {
        string path = DataFiles.Fixture("hfm_raw_bad.txt");
        var data = PostReaders.ReadHfmRaw(path, new PostReaderOptions { CollectMalformedRows = true });

        data.Posts.Select(p => p.Id).Should().Equal("1", "6");
        data.SkippedRows.Select(r => r.LineNumber).Should().Equal(2, 3, 4, 5, 6);
        data.SkippedRows.Select(r => r.Reason).Should().Equal(
            "malformed: expected a Python list starting with '[' at column 1",
            "malformed: unterminated string starting at column 7",
            "malformed: label 'x' is not a non-negative integer",
            "malformed: expected [id, text, label] or [id, text, hashtag_label, annotator_label], found a list of 2",
            "malformed: only strings and integers are allowed; found a non-integer number at column 16");
    }
}
