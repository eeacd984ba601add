using System;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Text;

public sealed class TweetNormalizerTests
{
    [Theory]
    [InlineData("@bob hi", "@USER hi")]
    [InlineData("RT @bob_99: look", "RT @USER: look")]
    [InlineData("see https://t.co/AbC123 now", "see HTTPURL now")]
    [InlineData("see http://x.co/a.", "see HTTPURL.")]
    [InlineData("(www.example.com/path)", "(HTTPURL)")]
    [InlineData("HTTPS://EXAMPLE.COM", "HTTPURL")]
    [InlineData("mail me at a@b.com", "mail me at a@b.com")]
    [InlineData("it’s fine…", "it's fine...")]
    [InlineData("  many \t spaces\n here  ", "many spaces here")]
    [InlineData("no change here", "no change here")]
    [InlineData("", "")]
    public void Mentions_and_links_are_replaced(string input, string expected) =>
        TweetNormalizer.Normalize(input).Should().Be(expected);

    [Fact]
    public void Null_throws() =>
        FluentActions.Invoking(() => TweetNormalizer.Normalize(null!)).Should().Throw<ArgumentNullException>().WithParameterName("text");
}
