using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Image-text contrastive loss (ITC): the symmetric InfoNCE objective of CLIP (Radford et al., 2021, "Learning
/// Transferable Visual Models From Natural Language Supervision") as used for social-media posts by Sánchez Villegas
/// et al. (EACL Findings 2024).
/// <code>
/// S = s · norm(I) · norm(T)ᵀ                       s = min(exp(t), MaxLogitScale), t learnable, exp(t₀) = 1/τ
/// L = w_i2t · CE(S, diag) + w_t2i · CE(Sᵀ, diag)   (CE averaged over the B rows)
/// </code>
/// With labels (<see cref="forward(Tensor, Tensor, Tensor)"/>), every same-label pair is a positive and the targets
/// are soft, as in BLIP's <c>idx</c> variant (Li et al., 2022): Q = pos / pos.sum(1), L_i2t = −1/B Σ_ij Q_ij log softmax_j(S)_ij, and the
/// same over columns for text→image. Label smoothing ε mixes each target row with the uniform distribution,
/// (1 − ε)·Q + ε/B, exactly as PyTorch's <c>cross_entropy(label_smoothing: ε)</c>.
/// <para>
/// The defaults reproduce open_clip's <c>ClipLoss</c> on one device (w = ½/½, τ₀ = 0.07, scale cap 100).
/// Difference from open_clip: it clamps the parameter in place after each optimizer step (t ∈ [0, ln 100]); this loss
/// clamps the value used in <c>forward</c>, s = min(exp(t), MaxLogitScale), so while the cap is active the gradient
/// to t is zero and t is left where it is (no lower bound is applied).
/// </para>
/// <para>
/// Dense and chunked evaluation (see <see cref="ContrastiveImplementation"/>) give the same value and gradients;
/// chunked never allocates a B×B tensor. bf16/fp16 inputs are computed in float32 and the loss is cast back to the
/// input dtype.
/// </para>
/// </summary>
public sealed class ImageTextContrastiveLoss : nn.Module<Tensor, Tensor, Tensor>
{
    // PyTorch/open_clip name so that state_dicts line up: t, the log of the logit scale.
    private readonly Tensor logit_scale;

    /// <summary>Creates the loss; <paramref name="options"/> defaults to <see cref="ContrastiveLossOptions"/>'s defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public ImageTextContrastiveLoss(ContrastiveLossOptions? options = null, string name = nameof(ImageTextContrastiveLoss))
        : base(name)
    {
        Options = options ?? new ContrastiveLossOptions();
        Options.Validate();
        var initial = tensor(Math.Log(1.0 / Options.Temperature), dtype: ScalarType.Float32);
        logit_scale = Options.LearnableTemperature ? Detached.Parameter(initial) : Detached.Buffer(initial);
        RegisterComponents();
    }

    /// <summary>The options this loss was built with.</summary>
    public ContrastiveLossOptions Options { get; }

    /// <summary>
    /// t, the log of the logit scale (a 0-d parameter when <see cref="ContrastiveLossOptions.LearnableTemperature"/>,
    /// otherwise a buffer); state_dict key <c>logit_scale</c>, as in open_clip.
    /// </summary>
    public Tensor LogScale => logit_scale;

    /// <summary>The logit scale currently used, min(exp(t), MaxLogitScale) (reads the value to the host).</summary>
    public double LogitScale => ContrastiveCommon.CurrentScale(logit_scale, Options.MaxLogitScale);

    /// <summary>The CLIP loss of paired features: image i and text i are the only positive pair in row/column i.</summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Shapes, dtypes or devices differ, a batch is empty or holds NaN/Inf.</exception>
    public override Tensor forward(Tensor image, Tensor text) => Compute(image, text, null, withLabels: false);

    /// <summary>The multi-positive loss: all pairs with the same label are positives, with targets spread uniformly over them.</summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="labels">Class ids [B], integer, non-negative, on the device of the features.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Bad features or labels (the message names the argument).</exception>
    public Tensor forward(Tensor image, Tensor text, Tensor labels) => Compute(image, text, labels, withLabels: true);

    /// <summary>
    /// The loss with a cross-batch memory (MoCo / ALBEF): image anchors against this batch's texts followed by the
    /// queued texts, text anchors against this batch's images followed by the queued images; queued entries are
    /// negatives. Per anchor i: −log softmax over the B + K candidates at its pair i; label smoothing spreads ε over
    /// all B + K. Evaluated densely (memory B×(B+K)) whatever <see cref="ContrastiveLossOptions.Implementation"/> says.
    /// The queue is read, never written: call <see cref="FeatureQueue.Enqueue"/> after the step.
    /// </summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="queue">Past entries (D = queue.Dim, same device); with Count = 0 the loss equals <see cref="forward(Tensor, Tensor)"/>.</param>
    /// <returns>A scalar in the input dtype; no gradient reaches the queue.</returns>
    /// <exception cref="ArgumentException">Bad features, or a queue of another width or device (the message names the argument).</exception>
    public Tensor forward(Tensor image, Tensor text, FeatureQueue queue) => CrossBatchContrastive.ClipWithQueue(this, image, text, null, queue, withLabels: false);

    /// <summary>
    /// The multi-positive loss with a cross-batch memory (BLIP's <c>idx_queue</c>): every candidate — batch or queued —
    /// whose label equals the anchor's is a positive, Q_ij = pos_ij / Σ_j pos_ij over the B + K candidates.
    /// Dense (memory B×(B+K)); the queue is read, never written.
    /// </summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="labels">Class ids [B], integer, non-negative, on the device of the features.</param>
    /// <param name="queue">Past entries with labels (<see cref="FeatureQueueOptions.StoreLabels"/>).</param>
    /// <returns>A scalar in the input dtype; no gradient reaches the queue.</returns>
    /// <exception cref="ArgumentException">Bad features or labels, or a queue without labels, of another width or device.</exception>
    public Tensor forward(Tensor image, Tensor text, Tensor labels, FeatureQueue queue) => CrossBatchContrastive.ClipWithQueue(this, image, text, labels, queue, withLabels: true);

    /// <summary>
    /// Data-parallel local loss (open_clip's <c>local_loss=True, gather_with_grad=True</c>): this rank's B anchors
    /// against all ranks' N·B candidates gathered by <paramref name="gatherer"/>, targets offset by Rank·B. Returns
    /// the mean over this rank's rows; the mean over ranks of the returned losses, and of the parameter gradients
    /// (DDP averaging), equal the full-batch loss and gradient (see <see cref="IFeatureGatherer"/>). Dense: B×N·B.
    /// </summary>
    /// <param name="image">This rank's image embeddings [B, D] (B equal on all ranks).</param>
    /// <param name="text">This rank's text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="gatherer">The user's all-gather; called twice in forward and, for inputs needing gradients, in backward.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Bad features, or the gatherer returned a tensor of the wrong shape, dtype, device or order.</exception>
    public Tensor forward(Tensor image, Tensor text, IFeatureGatherer gatherer) => CrossBatchContrastive.ClipLocal(this, image, text, null, gatherer, withLabels: false);

    /// <summary>The multi-positive data-parallel local loss: as <see cref="forward(Tensor, Tensor, IFeatureGatherer)"/>, with labels gathered too and every same-label candidate of any rank a positive.</summary>
    /// <param name="image">This rank's image embeddings [B, D] (B equal on all ranks).</param>
    /// <param name="text">This rank's text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="labels">This rank's class ids [B], integer, non-negative.</param>
    /// <param name="gatherer">The user's all-gather.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Bad features or labels, or the gatherer returned a tensor of the wrong shape, dtype, device or order.</exception>
    public Tensor forward(Tensor image, Tensor text, Tensor labels, IFeatureGatherer gatherer) => CrossBatchContrastive.ClipLocal(this, image, text, labels, gatherer, withLabels: true);

    private Tensor Compute(Tensor image, Tensor text, Tensor? labels, bool withLabels)
    {
        ContrastiveCommon.ValidateInputs(image, text, labels, withLabels);
        using var scope = NewDisposeScope();
        var x = ContrastiveCommon.Prepare(image, Options.Normalize);
        var y = ContrastiveCommon.Prepare(text, Options.Normalize);
        using var maxScale = Options.MaxLogitScale.ToScalar();
        var scale = logit_scale.exp().clamp_max(maxScale).to_type(x.dtype);
        var (classes, counts) = ContrastiveCommon.Classes(labels, x.shape[0], x.device, x.dtype);
        var loss = ContrastiveCommon.Resolve(Options.Implementation, x.shape[0], x.device, x.dtype) switch
        {
            ContrastiveImplementation.Dense => Dense(x, y, scale, classes, counts, Options.LabelSmoothing, Options.ImageToTextWeight, Options.TextToImageWeight, distinctClasses: labels is null),
            ContrastiveImplementation.Fused => FusedContrastiveFunction.ImageText(ContrastiveCommon.FusedInput(x, image.dtype), ContrastiveCommon.FusedInput(y, image.dtype), scale, classes, Options.LabelSmoothing, Options.ImageToTextWeight, Options.TextToImageWeight),
            _ => ChunkedSoftmaxContrastive.Loss(x, y, scale, classes, counts, Options.ChunkSize, Options.LabelSmoothing, Options.ImageToTextWeight, Options.TextToImageWeight),
        };
        return scope.MoveToOuter(loss.to_type(image.dtype));
    }

    /// <summary>
    /// The loss on a materialised S; <paramref name="counts"/>[i] = #{j : class_j = class_i}. With
    /// <paramref name="distinctClasses"/> the caller promises every sample is its own class (no labels), which skips
    /// the class grouping.
    /// </summary>
    /// <remarks>
    /// Q = (1 − ε)·pos/n + ε/B has rows and columns summing to 1 (same-class pairs have equal counts), so
    /// −Σ_j Q_ij log softmax_j(S)_ij = LSE_j(S_ij) − Σ_j Q_ij S_ij, and likewise over columns. The Q-weighted sums are
    /// linear in S = (s·x)·yᵀ and so are [B, D] dot products: Σ_j pos_ij S_ij = (s·x_i)·Σ_{j ∈ class(i)} y_j and
    /// Σ_j S_ij = (s·x_i)·Σ_j y_j. The only B×B work left is the GEMM and the two log-sum-exps (and their backward);
    /// no mask, target matrix or log-softmax matrix is built.
    /// </remarks>
    internal static Tensor Dense(Tensor x, Tensor y, Tensor scale, Tensor classes, Tensor counts, double smoothing, double imageToText, double textToImage, bool distinctClasses = false)
    {
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        // The scale goes on the [B, D] side: S = (s·x)·yᵀ needs no B×B multiply, forward or backward.
        var xs = x * scale;
        Tensor rowPositive;
        Tensor columnPositive;
        if (distinctClasses)
        {
            // pos = I: Σ_j pos_ij S_ij = S_ii, for rows and columns alike.
            rowPositive = columnPositive = (xs * y).sum(1);
        }
        else
        {
            var (values, inverse, _) = classes.unique(sorted: false, return_inverse: true);
            var group = inverse!.reshape(-1);
            var classCount = values.shape[0];
            var ySums = zeros(classCount, y.shape[1], dtype: y.dtype, device: y.device).index_add(0, group, y, Scalars.OneF);
            var xSums = zeros(classCount, xs.shape[1], dtype: xs.dtype, device: xs.device).index_add(0, group, xs, Scalars.OneF);
            rowPositive = (xs * ySums.index_select(0, group)).sum(1) / counts;
            columnPositive = (y * xSums.index_select(0, group)).sum(1) / counts;
        }

        var rowTarget = rowPositive;
        var columnTarget = columnPositive;
        if (smoothing > 0)
        {
            rowTarget = rowPositive.Times(1 - smoothing).Plus(xs.mv(y.sum(0, keepdim: false)).Times(smoothing / batch));
            columnTarget = columnPositive.Times(1 - smoothing).Plus(y.mv(xs.sum(0, keepdim: false)).Times(smoothing / batch));
        }

        if (batch == 1 || (imageToText == 0 && textToImage == 0))
        {
            // One pair: both softmaxes are exactly 1 and the loss is identically 0 (returned directly so that its gradient
            // is an exact 0, not the rounding residue of LSE − (1 − ε)·S₁₁ − ε·S₁₁). Both weights 0: nothing to learn.
            // Either way the zero stays a function of x, y and s, so backward works.
            return scope.MoveToOuter(rowPositive.sum().mul(Scalars.Zero));
        }

        var loss = LogSumExpPair.Loss(xs, y, imageToText, textToImage);
        if (imageToText != 0)
        {
            loss = loss - rowTarget.mean().Times(imageToText);
        }

        if (textToImage != 0)
        {
            loss = loss - columnTarget.mean().Times(textToImage);
        }

        return scope.MoveToOuter(loss);
    }

    /// <summary>
    /// w_r·mean_i LSE_j S_ij + w_c·mean_j LSE_i S_ij with S = xs·yᵀ, as a custom autograd function whose backward builds
    /// dS = w_r/B·softmax_row(S) + w_c/B·softmax_col(S) in one B×B buffer (a fused row softmax, then the column softmax
    /// exp(S − LSE_c + ln(w_c/w_r)) added in place) and applies the upstream gradient and 1/B on the [B, D] GEMM outputs.
    /// Autograd's logsumexp backward would allocate three B×B temporaries per direction plus their sum.
    /// </summary>
    private sealed class LogSumExpPair : autograd.SingleTensorFunction<LogSumExpPair>
    {
        public override string Name => nameof(LogSumExpPair);

        /// <summary>The weighted row and column log-sum-exp means; at least one weight is positive.</summary>
        public static Tensor Loss(Tensor xs, Tensor y, double rowWeight, double columnWeight) => apply(xs, y, rowWeight, columnWeight);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (xs, y) = ((Tensor)vars[0], (Tensor)vars[1]);
            var (rowWeight, columnWeight) = ((double)vars[2], (double)vars[3]);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logits = xs.mm(y.t());
            var total = zeros(System.Array.Empty<long>(), dtype: logits.dtype, device: logits.device);
            Tensor? rowLse = null;
            Tensor? columnLse = null;
            if (rowWeight != 0)
            {
                rowLse = logits.logsumexp(1);
                total = total.Plus(rowLse.mean().Times(rowWeight));
            }

            if (columnWeight != 0)
            {
                columnLse = logits.logsumexp(0);
                total = total.Plus(columnLse.mean().Times(columnWeight));
            }

            ctx.save_for_backward(new List<Tensor> { xs, y, logits, rowLse!, columnLse! });
            ctx.save_data("weights", (rowWeight, columnWeight));
            // The saved intermediates must outlive this scope until autograd has taken its own references to them
            // (after forward returns); the caller's scope releases the managed handles.
            scope.MoveToOuter(logits);
            if (rowLse is not null)
            {
                scope.MoveToOuter(rowLse);
            }

            if (columnLse is not null)
            {
                scope.MoveToOuter(columnLse);
            }

            return scope.MoveToOuter(total);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            using var scope = NewDisposeScope();
            var saved = ctx.get_saved_variables();
            var (xs, y, logits, rowLse, columnLse) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
            var (rowWeight, columnWeight) = ((double, double))ctx.get_data("weights");
            Tensor dlogits;
            double weight;
            if (rowWeight != 0)
            {
                dlogits = logits.softmax(1);
                if (columnWeight != 0)
                {
                    dlogits.add_((logits - columnLse.Minus(Math.Log(columnWeight / rowWeight)).unsqueeze(0)).exp_(), Scalars.One);
                }

                weight = rowWeight;
            }
            else
            {
                dlogits = (logits - columnLse.unsqueeze(0)).exp_();
                weight = columnWeight;
            }

            var factor = grad_output.to_type(logits.dtype).Times(weight / logits.shape[0]);
            var dxs = dlogits.mm(y).mul_(factor);
            var dy = dlogits.t().mm(xs).mul_(factor);
            scope.MoveToOuter(dxs, dy);
            return new List<Tensor> { dxs, dy, null!, null! };
        }
    }
}
