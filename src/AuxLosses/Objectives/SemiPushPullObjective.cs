using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// SPP-SCL's semi-push-pull two-step objective (Wu and Li, "SPP-SCL: Semi-Push-Pull Supervised Contrastive
/// Learning for Image-Text Sentiment Analysis and Beyond", AAAI 2026; github.com/TomorrowJW/SPP-SCL,
/// <c>train.py</c>).
/// <code>
/// step 1:  L1 = w·CE(logits, y) + L_img(I) + L_txt(T)            → backward, optimizer step
/// fresh forward on the same batch, then
///          S = sigmoid(T·Iᵀ)  (raw aligned features), dig = mean(diag S)
///          count = #{(i,j): S_ij &lt; dig},  P = #{(i,j): y_i = y_j}  (i = j included)
/// step 2:  if count &lt; int(P·α):  L2 = L_inter(T → I)              → zero_grad, backward, optimizer step
/// </code>
/// L_img and L_txt are <see cref="SupervisedContrastiveLoss"/>, L_inter is <see cref="CrossModalSupervisedContrastiveLoss"/>
/// with text anchors and image candidates. The defaults (<see cref="SemiPushPullOptions"/>) are the paper code's
/// w = 5, τ = 0.07, α = 2/3; its model projects both modalities to d = 32.
/// </summary>
/// <remarks>
/// The condition reads "pull within modalities first; push across modalities only while image and text are not yet
/// aligned": when most entries of the similarity matrix already fall below the matched-pair mean, step 2 is skipped.
/// The object holds no tensors of its own; dispose it to release the loss modules.
/// </remarks>
public sealed class SemiPushPullObjective : IDisposable
{
    private readonly SupervisedContrastiveLoss intraModal;
    private readonly CrossModalSupervisedContrastiveLoss interModal;
    private readonly double crossEntropyWeight;
    private readonly double intraModalWeight;
    private readonly double interModalWeight;
    private readonly double alpha;

    /// <summary>Creates the objective.</summary>
    /// <param name="options">Settings; <see langword="null"/> uses SPP-SCL's defaults (<see cref="SemiPushPullOptions"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public SemiPushPullObjective(SemiPushPullOptions? options = null)
    {
        options ??= new SemiPushPullOptions();
        crossEntropyWeight = TensorGuard.NonNegative(options.CrossEntropyWeight, nameof(options.CrossEntropyWeight));
        intraModalWeight = TensorGuard.NonNegative(options.IntraModalWeight, nameof(options.IntraModalWeight));
        interModalWeight = TensorGuard.NonNegative(options.InterModalWeight, nameof(options.InterModalWeight));
        alpha = TensorGuard.NonNegative(options.Alpha, nameof(options.Alpha));
        var temperature = TensorGuard.Positive(options.Temperature, nameof(options.Temperature));
        var variant = EnumGuard.Defined(options.Variant, nameof(options.Variant));
        // τ_base = τ: SPP-SCL's losses carry no τ/τ_base factor.
        intraModal = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions
        {
            Temperature = temperature,
            BaseTemperature = temperature,
            Variant = variant,
        });
        interModal = new CrossModalSupervisedContrastiveLoss(new CrossModalSupervisedContrastiveOptions
        {
            Temperature = temperature,
            BaseTemperature = temperature,
            Variant = variant,
            Symmetric = options.SymmetricInterModal,
        });
    }

    /// <summary>Step-1 loss <c>w·CE(logits, y) + λ·L_img(ImageFeatures) + λ·L_txt(TextFeatures)</c>.</summary>
    /// <param name="batch">Output of the model's forward pass.</param>
    /// <param name="labels">Integer class labels <c>[B]</c> in [0, C).</param>
    /// <returns>A float scalar connected to the graph.</returns>
    /// <exception cref="ArgumentException">Bad shapes, dtypes, labels or NaN/Inf; the message names the argument.</exception>
    public Tensor Step1Loss(SemiPushPullBatch batch, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var (loss, _, _, _) = Step1Terms(batch, labels);
        return scope.MoveToOuter(loss);
    }

    /// <summary>
    /// SPP-SCL's alignment condition on raw (unnormalised) aligned features: <c>S = sigmoid(T·Iᵀ)</c>,
    /// <c>count = #{S_ij &lt; mean(diag S)}</c>, <c>P = #{y_i = y_j}</c>, skip step 2 when <c>count ≥ int(P·α)</c>.
    /// </summary>
    /// <param name="alignedText">Text features <c>[B, D]</c> (rows of S).</param>
    /// <param name="alignedImage">Image features <c>[B, D]</c> (columns of S).</param>
    /// <param name="labels">Integer class labels <c>[B]</c>.</param>
    /// <returns>Count, P, threshold and the decision. Computed without gradient in the features' precision (float32 for half types).</returns>
    /// <exception cref="ArgumentException">Bad shapes, dtypes, labels or NaN/Inf; the message names the argument.</exception>
    public SemiPushPullAlignmentCheck CheckAlignment(Tensor alignedText, Tensor alignedImage, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        TensorGuard.Features(alignedText, nameof(alignedText), 2);
        TensorGuard.Features(alignedImage, nameof(alignedImage), 2);
        TensorGuard.SameShape(alignedText, nameof(alignedText), alignedImage, nameof(alignedImage));
        TensorGuard.SameDtypeAndDevice(alignedText, nameof(alignedText), alignedImage, nameof(alignedImage));
        var batch = alignedText.shape[0];
        TensorGuard.Labels(labels, nameof(labels), batch, alignedText);
        TensorGuard.Finite(alignedText, nameof(alignedText));
        TensorGuard.Finite(alignedImage, nameof(alignedImage));

        var similarity = SupConMath.Upcast(alignedText).matmul(SupConMath.Upcast(alignedImage).t()).sigmoid();
        // sum / B (not mean) and a strict "<", as train.py writes them: the count is sensitive to the last bit.
        var diagonalMean = similarity.diagonal().sum().Over(batch);
        var count = similarity.lt(diagonalMean).sum().item<long>();
        var pairs = labels.unsqueeze(1).eq(labels.unsqueeze(0)).sum().item<long>();
        return new SemiPushPullAlignmentCheck(count, pairs, SkipThreshold(pairs, alpha), Scalars.ToDouble(diagonalMean));
    }

    /// <summary>Step-2 loss <c>λ_inter·L_inter(AlignedText → AlignedImage)</c> (text anchors, image candidates, as SPP-SCL).</summary>
    /// <param name="batch">Output of the fresh forward pass after step 1.</param>
    /// <param name="labels">Integer class labels <c>[B]</c>.</param>
    /// <returns>A float scalar connected to the graph.</returns>
    /// <exception cref="ArgumentException">Bad shapes, dtypes, labels or NaN/Inf; the message names the argument.</exception>
    public Tensor Step2Loss(SemiPushPullBatch batch, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(interModal.forward(batch.AlignedText, batch.AlignedImage, labels).Times(interModalWeight));
    }

    /// <summary>
    /// One-step ablation: <c>w·CE + λ·L_img + λ·L_txt + λ_inter·L_inter</c> on one forward pass, always including
    /// L_inter (no condition, one optimizer step). This is the "without the two-step strategy" baseline; it is not
    /// what SPP-SCL trains with.
    /// </summary>
    /// <param name="batch">Output of the model's forward pass.</param>
    /// <param name="labels">Integer class labels <c>[B]</c> in [0, C).</param>
    /// <returns>A float scalar connected to the graph.</returns>
    /// <exception cref="ArgumentException">Bad shapes, dtypes, labels or NaN/Inf; the message names the argument.</exception>
    public Tensor OneStepLoss(SemiPushPullBatch batch, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var (step1, _, _, _) = Step1Terms(batch, labels);
        var inter = interModal.forward(batch.AlignedText, batch.AlignedImage, labels);
        return scope.MoveToOuter(step1.Plus(inter.to(step1.dtype).Times(interModalWeight)));
    }

    /// <summary>
    /// Runs SPP-SCL's two optimizer steps on one batch: <c>zero_grad</c>; forward; step-1 loss; backward;
    /// <c>step</c>; then a fresh forward (<paramref name="forward"/> is called again), the alignment condition and,
    /// unless it holds, <c>zero_grad</c>, the step-2 loss, backward and a second <c>step</c>.
    /// </summary>
    /// <param name="optimizer">Optimizer over the model's parameters.</param>
    /// <param name="forward">Runs the model on the batch; called twice. Its tensors are freed when each step ends.</param>
    /// <param name="labels">Integer class labels <c>[B]</c> in [0, C).</param>
    /// <returns>Detached loss values and the condition's outcome.</returns>
    /// <exception cref="ArgumentException">Bad shapes, dtypes, labels or NaN/Inf; the message names the argument.</exception>
    public SemiPushPullStepResult TrainStep(torch.optim.Optimizer optimizer, Func<SemiPushPullBatch> forward, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(labels);

        double step1Value, ce, image, text;
        using (var scope = NewDisposeScope())
        {
            // Inside the scope: TorchSharp's zero_grad returns fresh tensor wrappers that would otherwise outlive the step.
            optimizer.zero_grad();
            var batch = forward() ?? throw new InvalidOperationException("The forward closure returned null.");
            var (loss, crossEntropy, lossImage, lossText) = Step1Terms(batch, labels);
            loss.backward();
            optimizer.step();
            step1Value = Scalars.ToDouble(loss);
            ce = Scalars.ToDouble(crossEntropy);
            image = Scalars.ToDouble(lossImage);
            text = Scalars.ToDouble(lossText);
        }

        SemiPushPullAlignmentCheck check;
        var inter = 0.0;
        using (var scope = NewDisposeScope())
        {
            // Parameters changed in step 1, so the condition and L_inter need the model's new outputs.
            var batch = forward() ?? throw new InvalidOperationException("The forward closure returned null.");
            check = CheckAlignment(batch.AlignedText, batch.AlignedImage, labels);
            if (!check.Skip)
            {
                var unweighted = interModal.forward(batch.AlignedText, batch.AlignedImage, labels);
                optimizer.zero_grad();
                unweighted.Times(interModalWeight).backward();
                optimizer.step();
                inter = Scalars.ToDouble(unweighted);
            }
        }

        return new SemiPushPullStepResult
        {
            Step1Loss = step1Value,
            CrossEntropy = ce,
            ImageContrastive = image,
            TextContrastive = text,
            Step2Ran = !check.Skip,
            InterModal = inter,
            Alignment = check,
            Total = step1Value + (check.Skip ? 0.0 : interModalWeight * inter),
        };
    }

    /// <summary>Releases the loss modules.</summary>
    public void Dispose()
    {
        intraModal.Dispose();
        interModal.Dispose();
    }

    /// <summary><c>int(P · α)</c> exactly as Python evaluates <c>int(mask.item() * (2/3))</c>.</summary>
    internal static long SkipThreshold(long pairs, double alpha) =>
        // The same IEEE double product, then truncation toward zero like Python's int(); P and α are ≥ 0.
        (long)Math.Truncate(pairs * alpha);

    private (Tensor Loss, Tensor CrossEntropy, Tensor Image, Tensor Text) Step1Terms(SemiPushPullBatch batch, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var logits = batch.Logits;
        TensorGuard.Features(logits, "batch.Logits", 2);
        TensorGuard.Labels(labels, nameof(labels), logits.shape[0], logits, logits.shape[1]);
        TensorGuard.Finite(logits, "batch.Logits");
        TensorGuard.Size(batch.ImageFeatures, "batch.ImageFeatures", 0, logits.shape[0], "one row per sample of the logits");
        TensorGuard.Size(batch.TextFeatures, "batch.TextFeatures", 0, logits.shape[0], "one row per sample of the logits");

        // Cross-entropy in at least float32 so half-precision logits of ±1e4 stay finite.
        var crossEntropy = nn.functional.cross_entropy(SupConMath.Upcast(logits), labels.to(ScalarType.Int64));
        var image = intraModal.forward(batch.ImageFeatures, labels);
        var text = intraModal.forward(batch.TextFeatures, labels);
        var loss = crossEntropy.Times(crossEntropyWeight)
            .Plus(image.to(crossEntropy.dtype).Plus(text.to(crossEntropy.dtype)).Times(intraModalWeight));
        return (loss, crossEntropy, image, text);
    }
}
