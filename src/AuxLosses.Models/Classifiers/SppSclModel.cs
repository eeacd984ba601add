using System;
using System.Linq;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// The SPP-SCL model (Wu and Li, "SPP-SCL: Semi-Push-Pull Supervised Contrastive Learning for Image-Text Sentiment
/// Analysis and Beyond"; github.com/TomorrowJW/SPP-SCL, <c>model/Model.py</c>, <c>MSA_Model</c>):
/// <code>
/// text:  t = HA(BERT hidden states 9..12)                               [N, 128]
/// image: i = Pool(Dropout(ReLU(BN(Conv1×1(ResNet layer4 map)))))         [N, 128]
/// T_c = BN(Lin(Drop(ReLU(BN(Lin t)))));  T = Drop(ReLU(BN(Lin T_c)))     [N, d]   (I likewise)
/// CMF (batch-level attention, A ∈ R^{N×N}):
///   T→I: A = softmax((T ⊙ Q_I(I)) (T ⊙ K_I(I))ᵀ / √d),  m_t = A V_I(I)
///   I→T: A = softmax((I ⊙ Q_T(T)) (I ⊙ K_T(T))ᵀ / √d),  m_i = A V_T(T)
/// logits = fc(Drop(ReLU(BN(Lin [m_i; m_t; I; T]))))
/// </code>
/// Both encoders are frozen (no gradients, run under no_grad). <see cref="SppSclOutput.ToBatch"/> feeds
/// <see cref="SemiPushPullObjective.TrainStep"/>: <c>objective.TrainStep(opt, () =&gt; model.call(px, ids, mask).ToBatch(), y)</c>.
/// </summary>
/// <remarks>
/// <para>CMF attends across the <i>batch</i> (each post's query against every post's key), exactly as the reference
/// does: predictions depend on which posts share the batch, and BatchNorm needs N ≥ 2 in training mode.</para>
/// <para>Deviations: the encoders are kept in eval mode by default (see
/// <see cref="SppSclOptions.FrozenEncodersFollowTrainMode"/> for the reference's behaviour); if the image encoder has
/// no feature map (a ViT), its tokens [N, T, C] are used as a T×1 map, which makes the 1×1 convolution a per-token
/// linear. Widths are configurable; the defaults are the reference's (2048 → 128, BiLSTM 2×64, d = 32).</para>
/// </remarks>
public sealed class SppSclModel : nn.Module<Tensor, Tensor, Tensor, SppSclOutput>
{
    private readonly ITextEncoder text_encoder;
    private readonly IImageEncoder image_encoder;
    private readonly HierarchicalAttention Attention;
    private readonly Sequential Conv_I;
    private readonly Sequential Align_Module_T;
    private readonly Sequential Align_Module_I;
    private readonly Sequential Q_T;
    private readonly Sequential K_T;
    private readonly Sequential V_T;
    private readonly Sequential Q_I;
    private readonly Sequential K_I;
    private readonly Sequential V_I;
    private readonly Sequential Align_T;
    private readonly Sequential Align_I;
    private readonly Sequential classifier;
    private readonly Linear fc;
    private readonly double scale;
    private readonly bool followTrainMode;

    /// <summary>Creates the model; freezes both encoders.</summary>
    /// <param name="textEncoder">Text encoder returning at least max(TextLayers) + 1 hidden states.</param>
    /// <param name="imageEncoder">Image encoder returning a feature map [N, C, h, w] (or tokens).</param>
    /// <param name="options">Settings; null for the reference's.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public SppSclModel(ITextEncoder textEncoder, IImageEncoder imageEncoder, SppSclOptions? options = null)
        : base(nameof(SppSclModel))
    {
        ArgumentNullException.ThrowIfNull(textEncoder);
        ArgumentNullException.ThrowIfNull(imageEncoder);
        options ??= new SppSclOptions();
        var classes = ModelGuard.Positive(options.NumClasses, nameof(options.NumClasses));
        var d = ModelGuard.Positive(options.SharedSize, nameof(options.SharedSize));
        var channels = ModelGuard.Positive(options.ImageHeadChannels, nameof(options.ImageHeadChannels));
        var p = ModelGuard.Probability(options.Dropout, nameof(options.Dropout));
        text_encoder = textEncoder;
        image_encoder = imageEncoder;
        followTrainMode = options.FrozenEncodersFollowTrainMode;
        Attention = new HierarchicalAttention(options.TextLayers, textEncoder.HiddenSize, options.LstmHiddenSize, options.MaskPadding);
        Conv_I = nn.Sequential(
            nn.Conv2d(imageEncoder.OutputSize, channels, 1),
            new KeptAliveBatchNorm2d(channels),
            nn.ReLU(),
            nn.Dropout(p),
            nn.AdaptiveAvgPool2d(1));
        Align_Module_T = Projection(Attention.OutputSize, d, p);
        Align_Module_I = Projection(channels, d, p);
        Q_T = LinearDropout(d, p);
        K_T = LinearDropout(d, p);
        V_T = LinearDropout(d, p);
        Q_I = LinearDropout(d, p);
        K_I = LinearDropout(d, p);
        V_I = LinearDropout(d, p);
        Align_T = nn.Sequential(nn.Linear(d, d), nn.BatchNorm1d(d), nn.ReLU(), nn.Dropout(p));
        Align_I = nn.Sequential(nn.Linear(d, d), nn.BatchNorm1d(d), nn.ReLU(), nn.Dropout(p));
        classifier = nn.Sequential(nn.Linear(4 * d, 2 * d), nn.BatchNorm1d(2 * d), nn.ReLU(), nn.Dropout(p));
        fc = nn.Linear(2 * d, classes);
        scale = 1.0 / Math.Sqrt(d);
        EncoderRunner.Freeze(textEncoder);
        EncoderRunner.Freeze(imageEncoder);
        RegisterComponents();
        train(true);
    }

    /// <summary>The parameters that train (everything but the frozen encoders); hand these to the optimizer.</summary>
    /// <returns>Parameters with <c>requires_grad</c>.</returns>
    public Parameter[] TrainableParameters() => parameters().Where(parameter => parameter.requires_grad).ToArray();

    /// <summary>Sets training mode; the frozen encoders stay in eval mode unless <see cref="SppSclOptions.FrozenEncodersFollowTrainMode"/>.</summary>
    /// <param name="train">True for training mode.</param>
    public override void train(bool train = true)
    {
        base.train(train);
        if (!followTrainMode)
        {
            (text_encoder as nn.Module)?.eval();
            (image_encoder as nn.Module)?.eval();
        }
    }

    /// <summary>Runs the model.</summary>
    /// <param name="pixels">Preprocessed images [N, 3, H, W].</param>
    /// <param name="inputIds">Token ids [N, L], L ≥ 3.</param>
    /// <param name="attentionMask">Attention mask [N, L].</param>
    /// <returns>Logits, classifier features and the aligned features.</returns>
    /// <exception cref="ArgumentException">Bad input; the message names the argument.</exception>
    public override SppSclOutput forward(Tensor pixels, Tensor inputIds, Tensor attentionMask) => forward(pixels, inputIds, attentionMask, null);

    /// <summary>Runs the model with segment ids.</summary>
    /// <param name="pixels">Preprocessed images [N, 3, H, W].</param>
    /// <param name="inputIds">Token ids [N, L], L ≥ 3.</param>
    /// <param name="attentionMask">Attention mask [N, L].</param>
    /// <param name="tokenTypeIds">Segment ids [N, L] or null.</param>
    /// <returns>Logits, classifier features and the aligned features.</returns>
    /// <exception cref="ArgumentException">Bad input; the message names the argument.</exception>
    public SppSclOutput forward(Tensor pixels, Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        ModelGuard.Pixels(pixels, nameof(pixels));
        ModelGuard.TokenIds(inputIds, nameof(inputIds));
        ModelGuard.Rows(inputIds, nameof(inputIds), pixels.shape[0], nameof(pixels));
        if (training && pixels.shape[0] < 2)
        {
            throw new ArgumentException($"BatchNorm and the batch-level CMF need at least 2 posts in training mode, but {nameof(pixels)} has {pixels.shape[0]}.", nameof(pixels));
        }

        using var scope = NewDisposeScope();
        var text = EncoderRunner.Text(text_encoder, inputIds, attentionMask, tokenTypeIds, frozen: true);
        var image = EncoderRunner.Image(image_encoder, pixels, frozen: true);
        var map = image.FeatureMap ?? image.Tokens.transpose(1, 2).unsqueeze(-1);
        ModelGuard.Floating(map, "the image encoder's feature map", 4);
        ModelGuard.Size(map, "the image encoder's feature map", 1, image_encoder.OutputSize, "the image encoder's width");

        var textVector = Attention.call(text.HiddenStates, attentionMask);                 // T_L.mean(1)
        var imageVector = Conv_I.call(map).flatten(1);                                    // I_L
        var textAligned = Align_T.call(Align_Module_T.call(textVector));                   // T_Align
        var imageAligned = Align_I.call(Align_Module_I.call(imageVector));                 // I_Align

        var textToImage = Attend(textAligned, Q_I.call(imageAligned), K_I.call(imageAligned), V_I.call(imageAligned));
        var imageToText = Attend(imageAligned, Q_T.call(textAligned), K_T.call(textAligned), V_T.call(textAligned));
        var fusion = cat([imageToText, textToImage, imageAligned, textAligned], 1);
        var hidden = classifier.call(fusion);
        var logits = fc.call(hidden);
        scope.MoveToOuter(logits, hidden, textAligned, imageAligned);
        return new SppSclOutput(logits, hidden, textAligned, imageAligned);
    }

    // softmax((X ⊙ Q)(X ⊙ K)ᵀ·scale) V: an N×N attention over the posts of the batch.
    private Tensor Attend(Tensor modulator, Tensor query, Tensor key, Tensor value)
    {
        var scores = (modulator * query).matmul((modulator * key).t()).Times(scale);
        return nn.functional.softmax(scores, -1).matmul(value);
    }

    private static Sequential Projection(long input, long d, double p) =>
        nn.Sequential(nn.Linear(input, d), nn.BatchNorm1d(d), nn.ReLU(), nn.Dropout(p), nn.Linear(d, d), nn.BatchNorm1d(d));

    private static Sequential LinearDropout(long d, double p) => nn.Sequential(nn.Linear(d, d), nn.Dropout(p));
}
