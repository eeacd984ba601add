using System.Linq;
using AuxLosses.Models.Tests.Infrastructure;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Data;

/// <summary>Parses the excerpts of the real files in shared/data/samples (skipped where absent).</summary>
public class SharedSampleTests
{
    [SharedDataFact("samples/hfm_raw_valid_sample.txt")]
    public void Hfm_raw_sample_reads_all_sixty_four_element_lines()
    {
        var data = PostReaders.ReadHfmRaw(SharedData.Find("samples/hfm_raw_valid_sample.txt")!, split: "valid");
        AssertHfmRawSample(data);
    }

    [SharedDataFact("samples/hfm_sample.json")]
    public void Hfm_clmlf_json_sample_reads_sixty_posts()
    {
        var data = PostReaders.ReadClmlfJson(SharedData.Find("samples/hfm_sample.json")!, new PostReaderOptions { NumClasses = 2 });
        AssertHfmJsonSample(data);
    }

    [SharedDataFact("samples/hfm_sample.json")]
    public void Hfm_json_and_raw_samples_agree_post_for_post()
    {
        var raw = SharedData.Find("samples/hfm_raw_valid_sample.txt");
        if (raw is null)
        {
            return;
        }

        var fromJson = PostReaders.ReadClmlfJson(SharedData.Find("samples/hfm_sample.json")!).Posts;
        var fromRaw = PostReaders.ReadHfmRaw(raw).Posts;
        fromRaw.Should().Equal(fromJson);
    }

    [SharedDataFact("samples/mvsa_single_sample.json")]
    public void Mvsa_single_sample_reads_sixty_posts()
    {
        var data = PostReaders.ReadClmlfJson(SharedData.Find("samples/mvsa_single_sample.json")!, new PostReaderOptions { NumClasses = 3 }, "train");
        AssertMvsaSample(data);
    }

    internal static void AssertHfmRawSample(PostDataset data)
    {
        // The excerpt holds no filtered word, so all 60 lines survive; labels are the annotator column (last).
        data.Posts.Should().HaveCount(60);
        data.KeywordFiltered.Should().Be(0);
        data.SkippedRows.Should().BeEmpty();
        data.Posts[0].Id.Should().Be("915657464401580032");
        data.Posts[^1].Id.Should().Be("825793046058934272");
        data.Posts[1].Text.Should().Be("\" oh , good . now no one will know we 're here . \" # remingtonsteele # piercebrosnan  # delivery # jackscalia # stephaniezimbalist emoji_1594");
        data.Posts.Should().OnlyContain(p => p.Label == 1 && p.Split == "valid" && p.ImagePath == null);
    }

    internal static void AssertHfmJsonSample(PostDataset data)
    {
        data.Posts.Should().HaveCount(60);
        data.Posts[0].Should().Be(new SocialMediaPost("915657464401580032",
            "whew ... that extra <num> miles today to the grocery store & back wore me out .  so why are you using a car ? # mymostepsup emoji_92 emoji_549 emoji_818 emoji_3231", 1));
        data.Posts.Select(p => p.Id).Should().OnlyHaveUniqueItems();
    }

    internal static void AssertMvsaSample(PostDataset data)
    {
        data.Posts.Should().HaveCount(60);
        data.Posts[0].Should().Be(new SocialMediaPost("16",
            "RT @VenusCaelestis: You are a #manifestation of energetic potential. #truth #quote #DivineSociety", 0, null, "train"));
        data.Posts[^1].Id.Should().Be("862");
        data.Posts.Should().OnlyContain(p => p.Label == 0);
    }
}
