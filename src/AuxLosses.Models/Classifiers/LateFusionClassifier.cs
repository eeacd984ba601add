using System;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Late-fusion image-text classifier of Sánchez Villegas, Preoțiuc-Pietro and Aletras, "Improving Multimodal
/// Classification of Social Media Posts by Leveraging Image-Text Auxiliary Tasks" (EACL Findings 2024;
/// repository <c>models/mm_late.py</c>, <c>MM_Model</c>):
/// <code>
/// x_t, X_t = text encoder(ids, mask)          x_v, X_v = image encoder(pixels)
/// h = fusion head(x_t, x_v, X_t, X_v)          logits = W_cls dropout(h) + b
/// e_t = P_t x_t,  e_v = P_v x_v                (bias-free ITC projections)
/// </code>
/// It produces everything the paper's joint loss needs: logits for CE, <see cref="LateFusionOutput.ImageEmbedding"/> /
/// <see cref="LateFusionOutput.TextEmbedding"/> for <see cref="ImageTextContrastiveLoss"/>, and
/// <see cref="PairEncoder"/> for <see cref="ImageTextMatchingLoss"/> (whose <see cref="ItmHead"/> plays the repo's
/// <c>linear_tim</c> over the fused vector, so build it with <c>inputSize = Fusion.OutputSize</c>).
/// </summary>
/// <remarks>
/// The encoders are wrapped, not owned: if they are modules they are registered as the submodules
/// <c>text_encoder</c> and <c>image_encoder</c> (their parameters appear in <c>parameters()</c> and the state dict).
/// The repo's ITC logits come from the dual encoder's own learnable scale; here the scale lives in
/// <see cref="ImageTextContrastiveLoss"/>. There is no training step: compose the losses (or a
/// <see cref="JointObjective"/>) around <c>forward</c>.
/// </remarks>
public sealed class LateFusionClassifier : nn.Module<Tensor, Tensor, Tensor, LateFusionOutput>
{
    private readonly ITextEncoder text_encoder;
    private readonly IImageEncoder image_encoder;
    private readonly FusionHead fusion;
    private readonly Dropout dropout;
    private readonly Linear linear_cls;
    private readonly Linear text_projection;
    private readonly Linear visual_projection;
    private readonly bool usePooler;
    private readonly bool freezeImage;

    /// <summary>Creates the classifier.</summary>
    /// <param name="textEncoder">The text encoder (H_t must equal <c>fusion.TextSize</c>).</param>
    /// <param name="imageEncoder">The image encoder (C must equal <c>fusion.ImageSize</c>).</param>
    /// <param name="fusion">The fusion head.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">Encoder widths do not match the head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public LateFusionClassifier(ITextEncoder textEncoder, IImageEncoder imageEncoder, FusionHead fusion, LateFusionClassifierOptions? options = null)
        : base(nameof(LateFusionClassifier))
    {
        ArgumentNullException.ThrowIfNull(textEncoder);
        ArgumentNullException.ThrowIfNull(imageEncoder);
        ArgumentNullException.ThrowIfNull(fusion);
        options ??= new LateFusionClassifierOptions();
        var classes = ModelGuard.Positive(options.NumClasses, nameof(options.NumClasses));
        var projection = ModelGuard.Positive(options.ProjectionSize, nameof(options.ProjectionSize));
        var p = ModelGuard.Probability(options.Dropout, nameof(options.Dropout));
        if (textEncoder.HiddenSize != fusion.TextSize)
        {
            throw new ArgumentException($"The text encoder's width {textEncoder.HiddenSize} must equal the fusion head's text size {fusion.TextSize}.", nameof(textEncoder));
        }

        if (imageEncoder.OutputSize != fusion.ImageSize)
        {
            throw new ArgumentException($"The image encoder's width {imageEncoder.OutputSize} must equal the fusion head's image size {fusion.ImageSize}.", nameof(imageEncoder));
        }

        text_encoder = textEncoder;
        image_encoder = imageEncoder;
        this.fusion = fusion;
        usePooler = options.UseTextPooler;
        freezeImage = options.FreezeImageEncoder;
        dropout = nn.Dropout(p);
        linear_cls = nn.Linear(fusion.OutputSize, classes);
        text_projection = nn.Linear(textEncoder.HiddenSize, projection, hasBias: false);
        visual_projection = nn.Linear(imageEncoder.OutputSize, projection, hasBias: false);
        if (freezeImage)
        {
            EncoderRunner.Freeze(imageEncoder);
        }

        RegisterComponents();
    }

    /// <summary>The fusion head (also the fusion of <see cref="PairEncoder"/>).</summary>
    public FusionHead Fusion => fusion;

    /// <summary>Classifies a batch of posts.</summary>
    /// <param name="pixels">Preprocessed images [N, 3, H, W].</param>
    /// <param name="inputIds">Token ids [N, L], int64.</param>
    /// <param name="attentionMask">Attention mask [N, L].</param>
    /// <returns>Logits, ITC embeddings, the fused vector and the cached features.</returns>
    /// <exception cref="ArgumentException">Bad input; the message names the argument.</exception>
    public override LateFusionOutput forward(Tensor pixels, Tensor inputIds, Tensor attentionMask) => forward(pixels, inputIds, attentionMask, null);

    /// <summary>Classifies a batch of posts with segment ids.</summary>
    /// <param name="pixels">Preprocessed images [N, 3, H, W].</param>
    /// <param name="inputIds">Token ids [N, L], int64.</param>
    /// <param name="attentionMask">Attention mask [N, L].</param>
    /// <param name="tokenTypeIds">Segment ids [N, L] or null.</param>
    /// <returns>Logits, ITC embeddings, the fused vector and the cached features.</returns>
    /// <exception cref="ArgumentException">Bad input; the message names the argument.</exception>
    public LateFusionOutput forward(Tensor pixels, Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        ModelGuard.Pixels(pixels, nameof(pixels));
        ModelGuard.TokenIds(inputIds, nameof(inputIds));
        ModelGuard.Rows(inputIds, nameof(inputIds), pixels.shape[0], nameof(pixels));
        using var scope = NewDisposeScope();
        var text = EncoderRunner.Text(text_encoder, inputIds, attentionMask, tokenTypeIds, frozen: false);
        var image = EncoderRunner.Image(image_encoder, pixels, freezeImage);
        var features = new FusionFeatures(EncoderRunner.TextVector(text, usePooler), image.Pooled, text.LastHiddenState, attentionMask, image.Tokens);
        var fused = fusion.call(features);
        var logits = linear_cls.call(dropout.call(fused));
        var textEmbedding = text_projection.call(features.TextPooled);
        var imageEmbedding = visual_projection.call(features.ImagePooled);
        scope.MoveToOuter(logits, imageEmbedding, textEmbedding, fused, features.TextPooled, features.ImagePooled, features.TextTokens!, features.ImageTokens!);
        return new LateFusionOutput(logits, imageEmbedding, textEmbedding, fused, features);
    }

    /// <summary>
    /// An <see cref="IPairEncoder"/> for <see cref="ImageTextMatchingLoss"/> that re-fuses any image row with any text
    /// row of <paramref name="output"/> from its cached features with <see cref="Fusion"/>, without running the encoders.
    /// </summary>
    /// <param name="output">A forward result of this classifier (its tensors must still be alive).</param>
    /// <returns>The pair encoder.</returns>
    public FusionPairEncoder PairEncoder(LateFusionOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new FusionPairEncoder(output.Features, fusion);
    }
}
