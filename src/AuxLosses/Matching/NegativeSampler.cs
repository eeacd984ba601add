using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Draws the image-text pairs an ITM head is trained on: matched pairs (i, i) and mismatched pairs (i, j ≠ i).
/// </summary>
/// <remarks>
/// <para><b>Random</b> (Sánchez Villegas, Preoțiuc-Pietro and Aletras, "Improving Multimodal Classification of Social
/// Media Posts by Leveraging Image-Text Auxiliary Tasks", EACL Findings 2024; <c>prepare_itm_inputs</c> in
/// danaesavi/SocialMedia-TextImage-Classification-AuxLosses, models/mm_late.py):</para>
/// <code>
/// for each i:  swap_i ~ Bernoulli(p = 0.5)
///              text_i = swap_i ? j ~ Uniform{j ≠ i} : i        label_i = swap_i ? 0 : 1
/// </code>
/// The paper loops over rows with NumPy; here every coin and every j is drawn by one batched call (same
/// distribution, different random stream). With B = 1 there is no other text and the pair stays matched, as in the
/// paper's code.
/// <para><b>Hard</b> (ALBEF, Li et al. NeurIPS 2021, models/model_pretrain.py; BLIP):</para>
/// <code>
/// w_i2t = softmax(S)   with diag(w_i2t) = 0      negative text of image i  ~ Multinomial(w_i2t[i])
/// w_t2i = softmax(Sᵀ)  with diag(w_t2i) = 0      negative image of text t  ~ Multinomial(w_t2i[t])
/// </code>
/// ALBEF samples row by row with one host synchronization each; here every row of both directions is drawn at once by
/// inverse CDF (row cumsum of the weights, then one binary search per row on u·total, u from the generator). The
/// excluded entries are masked to −∞ <i>before</i> the exponential, which is the same distribution as ALBEF's
/// zero-then-renormalize but cannot underflow to an all-zero row when the diagonal dominates. Sampling runs under
/// <c>no_grad</c> on the detached similarity.
/// <para><b>Same-label exclusion.</b> When <c>labels</c> are given, candidates sharing the query's label are excluded
/// too (as BLIP masks pairs with the same image id), so a "negative" is never a same-class post.</para>
/// <para><b>Rows without a candidate</b> (B = 1, or every other sample shares the label): never a crash and never a
/// self pair. Hard drops that row's negative; Random keeps that pair matched. Falling back to a same-label candidate
/// would silently re-introduce the false negatives the exclusion exists to avoid, so the sampler does not do it;
/// <see cref="MatchingPairs.RowsWithoutCandidate"/> reports how many rows were affected.</para>
/// <para>Deterministic given a <see cref="Generator"/> (on the similarity's device); otherwise uses the global RNG.</para>
/// </remarks>
public sealed class NegativeSampler
{
    /// <summary>Creates a sampler; the defaults reproduce the paper's random swap with p = 0.5.</summary>
    /// <param name="options">Strategy, swap probability and hard-negative temperature; null for defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public NegativeSampler(NegativeSamplerOptions? options = null)
    {
        Options = options ?? new NegativeSamplerOptions();
        EnumGuard.Defined(Options.Strategy, nameof(NegativeSamplerOptions.Strategy));
        TensorGuard.InRange(Options.SwapProbability, 0, 1, nameof(NegativeSamplerOptions.SwapProbability));
        TensorGuard.Positive(Options.Temperature, nameof(NegativeSamplerOptions.Temperature));
    }

    /// <summary>The options in effect.</summary>
    public NegativeSamplerOptions Options { get; }

    /// <summary>
    /// Samples pairs with the configured strategy. B and the device come from <paramref name="similarity"/>; the
    /// Random strategy validates but otherwise ignores its values.
    /// </summary>
    /// <param name="similarity">Image→text similarity logits <c>[B, B]</c> (row i = image i, column j = text j), finite.</param>
    /// <param name="labels">Optional class labels, integer <c>[B]</c>; when given, same-label candidates are excluded.</param>
    /// <param name="generator">Optional RNG on the similarity's device, for reproducible draws.</param>
    /// <exception cref="ArgumentException">Bad shape, dtype, device or non-finite values; the message names the argument.</exception>
    public MatchingPairs Sample(Tensor similarity, Tensor? labels = null, Generator? generator = null) =>
        Options.Strategy == NegativeSamplingStrategy.Hard
            ? SampleHard(similarity, labels, generator)
            : SampleRandom(ValidateSimilarity(similarity, labels), labels, generator, similarity.device);

    /// <summary>The paper's random swap: B pairs (i, text_i), text_i = i (label 1) or a uniform j ≠ i (label 0).</summary>
    /// <param name="batchSize">B, at least 1.</param>
    /// <param name="labels">Optional integer <c>[B]</c>; when given, swapped texts come from other labels only.</param>
    /// <param name="generator">Optional RNG on <paramref name="device"/>.</param>
    /// <param name="device">Where the indices are created; default CPU (or the labels' device when labels are given).</param>
    public MatchingPairs SampleRandom(long batchSize, Tensor? labels = null, Generator? generator = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        device ??= labels?.device ?? CPU;
        if (labels is not null)
        {
            using var reference = empty(new long[] { batchSize, 0 }, device: device);
            TensorGuard.Labels(labels, nameof(labels), batchSize, reference);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = Scalars.Arange(batchSize, ScalarType.Int64, device);
        using var swapProbability = Options.SwapProbability.ToScalar();
        var coin = rand(new[] { batchSize }, dtype: ScalarType.Float64, device: device, generator: generator).lt(swapProbability);
        Tensor other;
        Tensor hasCandidate;
        long withoutCandidate;
        if (labels is null)
        {
            // Uniform over j ≠ i without a [B, B] matrix: draw r ∈ [0, B−1) and skip over i.
            var r = randint(0, Math.Max(batchSize - 1, 1), new[] { batchSize }, dtype: ScalarType.Int64, device: device, generator: generator);
            other = r.Plus(r.ge(rows).to(ScalarType.Int64));
            using var hasAnother = (batchSize > 1).ToScalar();
            hasCandidate = full(new[] { batchSize }, hasAnother, dtype: ScalarType.Bool, device: device);
            withoutCandidate = batchSize > 1 ? 0 : batchSize;
        }
        else
        {
            var allowed = Candidates(batchSize, labels, device);
            hasCandidate = allowed.any(1);
            // Rows without a candidate get a harmless uniform row so that the single multinomial call is valid; their draw is discarded.
            var weights = where(hasCandidate.unsqueeze(1), allowed.to(ScalarType.Float32), ones(batchSize, batchSize, device: device));
            other = multinomial(weights, 1, generator: generator).squeeze(1);
            withoutCandidate = batchSize - hasCandidate.sum().item<long>();
        }

        var swap = coin.logical_and(hasCandidate);
        var text = where(swap, other, rows);
        var match = swap.logical_not().to(ScalarType.Int64);
        scope.MoveToOuter(rows, text, match);
        return new MatchingPairs(rows, text, match, batchSize, NegativeSamplingStrategy.Random, withoutCandidate);
    }

    /// <summary>
    /// ALBEF hard negatives: B positives, then per text a negative image ∝ exp(Sᵀ/τ) and per image a negative text
    /// ∝ exp(S/τ), never self (and never the same label when <paramref name="labels"/> are given).
    /// </summary>
    /// <param name="similarity">Image→text similarity logits <c>[B, B]</c>, finite; detached before use.</param>
    /// <param name="labels">Optional integer <c>[B]</c>; when given, same-label candidates are excluded.</param>
    /// <param name="generator">Optional RNG on the similarity's device.</param>
    public MatchingPairs SampleHard(Tensor similarity, Tensor? labels = null, Generator? generator = null)
    {
        var batchSize = ValidateSimilarity(similarity, labels);
        var device = similarity.device;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var computeType = similarity.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        // Two private B×B copies of S/τ, each row-contiguous for its direction: for image i, logits over texts (S); for
        // text t, logits over images (Sᵀ). Both are written in place below.
        var overTexts = similarity.detach().to(computeType).Times(1.0 / Options.Temperature);
        var overImages = overTexts.t().contiguous();
        Tensor? sameLabel = null;
        if (labels is not null)
        {
            // Same label includes the diagonal (and is symmetric), so this one mask also removes self pairs.
            var y = labels.to(ScalarType.Int64);
            sameLabel = y.unsqueeze(1).eq(y.unsqueeze(0));
        }

        var (textDraw, textTotal) = DrawInverseCdf(overImages, sameLabel, generator);
        var (imageDraw, imageTotal) = DrawInverseCdf(overTexts, sameLabel, generator);
        var draw = cat(new[] { textDraw, imageDraw });
        // A row has a candidate iff its total weight is positive (its largest allowed entry weighs exp(0) = 1).
        var hasCandidate = cat(new[] { textTotal, imageTotal }).gt(Scalars.Zero);

        var rows = Scalars.Arange(batchSize, ScalarType.Int64, device);
        var image = cat(new[] { rows, draw.narrow(0, 0, batchSize), rows });
        var text = cat(new[] { rows, rows, draw.narrow(0, batchSize, batchSize) });
        var match = cat(new[] { ones(batchSize, dtype: ScalarType.Int64, device: device), zeros(2 * batchSize, dtype: ScalarType.Int64, device: device) });

        // Without labels every row of a B > 1 batch has B − 1 candidates: no host synchronization needed.
        long withoutCandidate = 0;
        if (labels is not null || batchSize == 1)
        {
            withoutCandidate = 2 * batchSize - hasCandidate.sum().item<long>();
        }

        if (withoutCandidate > 0)
        {
            var keep = cat(new[] { ones(batchSize, dtype: ScalarType.Bool, device: device), hasCandidate }).nonzero().squeeze(1);
            image = image.index_select(0, keep);
            text = text.index_select(0, keep);
            match = match.index_select(0, keep);
        }

        scope.MoveToOuter(image, text, match);
        return new MatchingPairs(image, text, match, batchSize, NegativeSamplingStrategy.Hard, withoutCandidate);
    }

    /// <summary>
    /// One draw per row of <paramref name="logits"/> (consumed: overwritten in place) ∝ exp(logit) over the allowed
    /// columns, by inverse CDF: weights w with excluded entries at exactly 0, c = cumsum(w), and the first column with
    /// c &gt; u·c_last (searchsorted, right). libtorch's CPU <c>multinomial</c> draws a variate per entry; this is one
    /// cumsum and a binary search per row, with no host synchronization.
    /// </summary>
    /// <remarks>
    /// Excluded entries never win: a zero weight leaves c unchanged, so the first column past u·c_last always adds
    /// weight, provided u·c_last &lt; c_last — which is why the target is clamped to the float just below c_last (u·c_last
    /// can round up to c_last). Rows with nothing allowed have c_last = 0; their index is clamped into range and the
    /// caller drops them.
    /// </remarks>
    /// <returns>The drawn column per row and the row's total weight (0 iff it has no allowed column).</returns>
    private static (Tensor Draw, Tensor Total) DrawInverseCdf(Tensor logits, Tensor? sameLabel, Generator? generator)
    {
        var batchSize = logits.shape[0];
        Tensor weights;
        if (sameLabel is null && batchSize > 1)
        {
            // Only the diagonal is excluded and every row keeps B − 1 finite entries: the fused softmax (one pass) is safe.
            logits.diagonal().fill_(Scalars.NegativeInfinity);
            weights = logits.softmax(1);
        }
        else
        {
            if (sameLabel is null)
            {
                logits.diagonal().fill_(Scalars.NegativeInfinity);
            }
            else
            {
                logits.masked_fill_(sameLabel, Scalars.NegativeInfinity);
            }

            // A row may have nothing allowed (all −∞), where softmax would give NaN: shift such a row by 0 instead so its
            // weights are exp(−∞) = 0. Every other row's largest allowed entry weighs exp(0) = 1.
            var rowMax = logits.amax(new long[] { 1 }, keepdim: true);
            rowMax.masked_fill_(rowMax.isinf(), Scalars.ZeroF);
            weights = logits.sub_(rowMax).exp_();
        }

        var cumulative = weights.cumsum(1);
        var total = cumulative.narrow(1, batchSize - 1, 1);
        var u = rand(new[] { batchSize, 1L }, dtype: cumulative.dtype, device: logits.device, generator: generator);
        var target = minimum(u * total, total.nextafter(zeros_like(total)));
        using var last = (batchSize - 1).ToScalar();
        var draw = searchsorted(cumulative, target, right: true).squeeze(1).clamp_max(last);
        return (draw, total.squeeze(1));
    }

    /// <summary>[B, B] bool: j is an admissible negative for i (j ≠ i and labels differ). Symmetric.</summary>
    private static Tensor Candidates(long batchSize, Tensor labels, Device device)
    {
        var y = labels.to(ScalarType.Int64);
        return y.unsqueeze(1).ne(y.unsqueeze(0)).logical_and(eye(batchSize, dtype: ScalarType.Bool, device: device).logical_not());
    }

    private static long ValidateSimilarity(Tensor similarity, Tensor? labels)
    {
        TensorGuard.Features(similarity, nameof(similarity), 2);
        if (similarity.shape[0] != similarity.shape[1])
        {
            throw new ArgumentException($"{nameof(similarity)} must be a square [B, B] image→text matrix, but its shape is {TensorGuard.Shape(similarity)}.", nameof(similarity));
        }

        TensorGuard.Finite(similarity, nameof(similarity));
        var batchSize = similarity.shape[0];
        if (labels is not null)
        {
            TensorGuard.Labels(labels, nameof(labels), batchSize, similarity);
        }

        return batchSize;
    }
}
