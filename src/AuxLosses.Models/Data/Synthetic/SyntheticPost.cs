using System;
using SkiaSharp;

namespace AuxLosses.Models;

/// <summary>
/// One generated image+text post: its text, its rendered image, its label and the latent factors the label was
/// derived from (<see cref="SyntheticPosts"/> explains the rule). The factors are for analysis and charts only; a
/// model sees <see cref="Text"/> and <see cref="Pixels"/>.
/// </summary>
public sealed class SyntheticPost
{
    internal SyntheticPost(string id, string text, int label, int cleanLabel, SyntheticStance stance, SyntheticTopic textTopic,
        bool vagueText, SyntheticTopic imageTopic, bool pleasantImage, int imageSize, byte[] pixels)
    {
        Id = id;
        Text = text;
        Label = label;
        CleanLabel = cleanLabel;
        Stance = stance;
        TextTopic = textTopic;
        VagueText = vagueText;
        ImageTopic = imageTopic;
        PleasantImage = pleasantImage;
        ImageSize = imageSize;
        Pixels = pixels;
    }

    /// <summary>The post id, <c>{split}-{index}</c> with a five-digit index (e.g. <c>train-00042</c>).</summary>
    public string Id { get; }

    /// <summary>The post text (lowercase ASCII; every word is in <see cref="SyntheticPosts.Vocabulary"/>).</summary>
    public string Text { get; }

    /// <summary>The class id the model is trained and scored on (<see cref="SyntheticPosts.ClassNames"/>), after label noise.</summary>
    public int Label { get; }

    /// <summary>The class id the relation rule gives (<see cref="SyntheticPosts.LabelOf"/>), before label noise.</summary>
    public int CleanLabel { get; }

    /// <summary>True when label noise replaced <see cref="CleanLabel"/>.</summary>
    public bool LabelFlipped => Label != CleanLabel;

    /// <summary>The text's surface polarity.</summary>
    public SyntheticStance Stance { get; }

    /// <summary>The topic the text talks about (even when <see cref="VagueText"/> hides it from the words).</summary>
    public SyntheticTopic TextTopic { get; }

    /// <summary>True when the text names its topic only vaguely ("this"), see <see cref="SyntheticPostsOptions.Ambiguity"/>.</summary>
    public bool VagueText { get; }

    /// <summary>The topic the picture shows.</summary>
    public SyntheticTopic ImageTopic { get; }

    /// <summary>True when the picture shows the pleasant scene of its topic, false for the unpleasant one.</summary>
    public bool PleasantImage { get; }

    /// <summary>True when the picture shows what the text talks about — the relation the label hinges on.</summary>
    public bool ImageShowsTextTopic => ImageTopic == TextTopic;

    /// <summary>The picture's scene in words, e.g. "sunny beach" (<see cref="SyntheticPosts.SceneName"/>).</summary>
    public string SceneName => SyntheticPosts.SceneName(ImageTopic, PleasantImage);

    /// <summary>Side of the square image in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>The image as 8-bit RGB, row-major <c>[ImageSize, ImageSize, 3]</c>.</summary>
    public ReadOnlyMemory<byte> Pixels { get; }

    /// <summary>The image encoded as PNG (lossless), e.g. to show examples next to charts.</summary>
    public byte[] EncodePng()
    {
        var info = new SKImageInfo(ImageSize, ImageSize, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = new byte[ImageSize * ImageSize * 4];
        var rgb = Pixels.Span;
        for (int i = 0, o = 0; i < rgb.Length; i += 3, o += 4)
        {
            rgba[o] = rgb[i];
            rgba[o + 1] = rgb[i + 1];
            rgba[o + 2] = rgb[i + 2];
            rgba[o + 3] = 255;
        }

        using var image = SKImage.FromPixelCopy(info, rgba);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The id, label and text, for debugging.</summary>
    public override string ToString() => $"{Id} [{SyntheticPosts.ClassNames[Label]}] \"{Text}\" + {SceneName}";
}
