using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// The queue-augmented and data-parallel (local-loss) forms of <see cref="ImageTextContrastiveLoss"/> and
/// <see cref="SigmoidContrastiveLoss"/>: anchors are this batch's (this rank's) rows, candidates a longer list of
/// columns — the batch followed by queued entries, or every rank's batch in rank order. Both are dense: an
/// anchors × candidates matrix of logits, B×(B+K) or B_local×(N·B_local).
/// </summary>
internal static class CrossBatchContrastive
{
    // Class id of unlabelled queue entries: batch ids are ≥ 0, so a queued entry is never an unlabelled anchor's positive.
    private const long NoClass = -1;
    private static readonly Scalar NoClassFill = NoClass.ToScalar();

    /// <summary>ITC with queued texts as extra candidates of image anchors and queued images of text anchors (ALBEF/BLIP).</summary>
    public static Tensor ClipWithQueue(ImageTextContrastiveLoss loss, Tensor image, Tensor text, Tensor? labels, FeatureQueue queue, bool withLabels)
    {
        ContrastiveCommon.ValidateInputs(image, text, labels, withLabels);
        ScaleGuard.Queue(queue, nameof(queue), image, withLabels);
        using var scope = NewDisposeScope();
        var options = loss.Options;
        var x = ContrastiveCommon.Prepare(image, options.Normalize);
        var y = ContrastiveCommon.Prepare(text, options.Normalize);
        var queuedImage = Queued(queue.Image, x.dtype, options.Normalize);
        var queuedText = Queued(queue.Text, x.dtype, options.Normalize);
        var (rows, columns) = QueueClasses(labels, queue, x.shape[0], x.device);
        using var maxScale = options.MaxLogitScale.ToScalar();
        var scale = loss.LogScale.exp().clamp_max(maxScale).to_type(x.dtype);
        var imageToText = SoftTargetCrossEntropy(x, cat(new[] { y, queuedText }), scale, rows, columns, options.LabelSmoothing);
        var textToImage = SoftTargetCrossEntropy(y, cat(new[] { x, queuedImage }), scale, rows, columns, options.LabelSmoothing);
        var result = imageToText.Times(options.ImageToTextWeight).Plus(textToImage.Times(options.TextToImageWeight)).Over(x.shape[0]);
        return scope.MoveToOuter(result.to_type(image.dtype));
    }

    /// <summary>ITC of this rank's anchors against every rank's candidates (open_clip's local loss with gather_with_grad).</summary>
    public static Tensor ClipLocal(ImageTextContrastiveLoss loss, Tensor image, Tensor text, Tensor? labels, IFeatureGatherer gatherer, bool withLabels)
    {
        ContrastiveCommon.ValidateInputs(image, text, labels, withLabels);
        ScaleGuard.Gatherer(gatherer, nameof(gatherer));
        using var scope = NewDisposeScope();
        var options = loss.Options;
        var allImage = GatherWithGrad.Gather(gatherer, nameof(gatherer), image, nameof(image));
        var allText = GatherWithGrad.Gather(gatherer, nameof(gatherer), text, nameof(text));
        var (rows, columns) = RankClasses(gatherer, labels, image.shape[0], image.device);
        var x = ContrastiveCommon.Prepare(image, options.Normalize);
        var y = ContrastiveCommon.Prepare(text, options.Normalize);
        using var maxScale = options.MaxLogitScale.ToScalar();
        var scale = loss.LogScale.exp().clamp_max(maxScale).to_type(x.dtype);
        var imageToText = SoftTargetCrossEntropy(x, ContrastiveCommon.Prepare(allText, options.Normalize), scale, rows, columns, options.LabelSmoothing);
        var textToImage = SoftTargetCrossEntropy(y, ContrastiveCommon.Prepare(allImage, options.Normalize), scale, rows, columns, options.LabelSmoothing);
        // WorldSize × (Σ over this rank's rows) / B_total = mean over this rank's rows: the ranks' mean is the full loss.
        var result = imageToText.Times(options.ImageToTextWeight).Plus(textToImage.Times(options.TextToImageWeight)).Over(x.shape[0]);
        return scope.MoveToOuter(result.to_type(image.dtype));
    }

    /// <summary>SigLIP with (batch image, queued text) and (queued image, batch text) as extra pairs.</summary>
    public static Tensor SigmoidWithQueue(SigmoidContrastiveLoss loss, Tensor image, Tensor text, Tensor? labels, FeatureQueue queue, bool withLabels)
    {
        ContrastiveCommon.ValidateInputs(image, text, labels, withLabels);
        ScaleGuard.Queue(queue, nameof(queue), image, withLabels);
        using var scope = NewDisposeScope();
        var options = loss.Options;
        var x = ContrastiveCommon.Prepare(image, options.Normalize);
        var y = ContrastiveCommon.Prepare(text, options.Normalize);
        var queuedImage = Queued(queue.Image, x.dtype, options.Normalize);
        var queuedText = Queued(queue.Text, x.dtype, options.Normalize);
        var (rows, columns) = QueueClasses(labels, queue, x.shape[0], x.device);
        var queuedClasses = columns.narrow(0, x.shape[0], queue.Count);
        using var maxScale = options.MaxLogitScale.ToScalar();
        var scale = loss.LogScale.exp().clamp_max(maxScale).to_type(x.dtype);
        var bias = loss.LogitBias.to_type(x.dtype);
        var sum = SigmoidPairs(x, cat(new[] { y, queuedText }), scale, bias, rows, columns)
                  .Plus(SigmoidPairs(queuedImage, y, scale, bias, queuedClasses, rows));
        return scope.MoveToOuter(sum.Over(x.shape[0]).to_type(image.dtype));
    }

    /// <summary>SigLIP of this rank's images against every rank's texts (open_clip's SigLipLoss over all ranks' texts).</summary>
    public static Tensor SigmoidLocal(SigmoidContrastiveLoss loss, Tensor image, Tensor text, Tensor? labels, IFeatureGatherer gatherer, bool withLabels)
    {
        ContrastiveCommon.ValidateInputs(image, text, labels, withLabels);
        ScaleGuard.Gatherer(gatherer, nameof(gatherer));
        using var scope = NewDisposeScope();
        var options = loss.Options;
        // Each (image, text) pair belongs to the rank of its image, so only texts need gathering.
        var allText = GatherWithGrad.Gather(gatherer, nameof(gatherer), text, nameof(text));
        var (rows, columns) = RankClasses(gatherer, labels, image.shape[0], image.device);
        var x = ContrastiveCommon.Prepare(image, options.Normalize);
        using var maxScale = options.MaxLogitScale.ToScalar();
        var scale = loss.LogScale.exp().clamp_max(maxScale).to_type(x.dtype);
        var bias = loss.LogitBias.to_type(x.dtype);
        var sum = SigmoidPairs(x, ContrastiveCommon.Prepare(allText, options.Normalize), scale, bias, rows, columns);
        return scope.MoveToOuter(sum.Over(x.shape[0]).to_type(image.dtype));
    }

    /// <summary>
    /// Σ_i −Σ_j Q_ij log softmax_j(s·a_i·c_j), Q_ij = (1 − ε)·pos_ij / Σ_j pos_ij + ε/M over the M candidates
    /// (BLIP's sim_targets; PyTorch's label smoothing over M classes). Every anchor's own pair is a candidate, so Σ_j pos_ij ≥ 1.
    /// </summary>
    internal static Tensor SoftTargetCrossEntropy(Tensor anchors, Tensor candidates, Tensor scale, Tensor anchorClasses, Tensor candidateClasses, double smoothing)
    {
        var logits = scale * anchors.mm(candidates.t());
        var positives = anchorClasses.unsqueeze(1).eq(candidateClasses.unsqueeze(0)).to_type(logits.dtype);
        var targets = (positives / positives.sum(1, keepdim: true)).Times(1 - smoothing).Plus(smoothing / candidates.shape[0]);
        return -(targets * logits.log_softmax(1)).sum();
    }

    /// <summary>Σ_ij −log σ(z_ij·(s·r_i·c_j + b)), z = +1 for same-class pairs, −1 otherwise.</summary>
    internal static Tensor SigmoidPairs(Tensor rows, Tensor columns, Tensor scale, Tensor bias, Tensor rowClasses, Tensor columnClasses)
    {
        var logits = (scale * rows.mm(columns.t())).Plus(bias);
        var signs = rowClasses.unsqueeze(1).eq(columnClasses.unsqueeze(0)).to_type(logits.dtype).Times(2).Minus(1);
        return -nn.functional.logsigmoid(signs * logits).sum();
    }

    /// <summary>Queued features in the loss's compute dtype, normalised like the batch when it is.</summary>
    internal static Tensor Queued(Tensor stored, ScalarType dtype, bool normalize)
    {
        var q = stored.to_type(dtype);
        return normalize ? nn.functional.normalize(q, p: 2, dim: 1, eps: ContrastiveCommon.NormalizeEpsilon) : q;
    }

    /// <summary>Anchor classes [B] and candidate classes [B + K] (batch, then queue).</summary>
    private static (Tensor Rows, Tensor Columns) QueueClasses(Tensor? labels, FeatureQueue queue, long batch, Device device)
    {
        var rows = labels is null ? Scalars.Arange(batch, ScalarType.Int64, device) : labels.to_type(ScalarType.Int64);
        var queued = labels is null ? full(queue.Count, NoClassFill, dtype: ScalarType.Int64, device: device) : queue.Labels;
        return (rows, cat(new[] { rows, queued }));
    }

    /// <summary>This rank's anchor classes [B] and all ranks' candidate classes [N·B]; unlabelled samples are their own class.</summary>
    private static (Tensor Rows, Tensor Columns) RankClasses(IFeatureGatherer gatherer, Tensor? labels, long batch, Device device)
    {
        if (labels is null)
        {
            // Targets offset by rank·B: anchor i of rank r matches candidate r·B + i.
            var columns = Scalars.Arange(gatherer.WorldSize * batch, ScalarType.Int64, device);
            return (columns.narrow(0, gatherer.Rank * batch, batch), columns);
        }

        var all = ScaleGuard.AllGather(gatherer, nameof(gatherer), labels, nameof(labels));
        return (labels.to_type(ScalarType.Int64), all.to_type(ScalarType.Int64));
    }
}
