using System;
using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// The image-text matching classifier: maps a fused pair representation <c>[N, H]</c> to 2-way logits <c>[N, 2]</c>,
/// where class 1 means "image and text belong to the same post" and class 0 "mismatched".
/// </summary>
/// <remarks>
/// <code>logits = W·h + b,   h = fused  (or h = ReLU(W₁·fused + b₁) with a hidden layer)</code>
/// With default options this is ALBEF's / BLIP's <c>itm_head = nn.Linear(text_width, 2)</c> and the
/// <c>linear_tim = nn.Linear(fixed_feat_size, 2)</c> of Sánchez Villegas et al. (EACL Findings 2024), initialized
/// like <c>nn.Linear</c> (U(−1/√H, 1/√H)). The final projection's state-dict keys are <c>weight</c> and <c>bias</c>,
/// so ALBEF/BLIP <c>itm_head.*</c> tensors load directly; the optional hidden layer is <c>hidden.*</c>.
/// </remarks>
public sealed class ItmHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear? hidden;
    private readonly Dropout? dropout;

    // Field names are the state-dict keys (RegisterComponents reads them): ALBEF's itm_head.weight / itm_head.bias.
    private Parameter weight; // not readonly: Module.to() replaces parameters through these fields.
    private Parameter bias;

    /// <summary>Creates the head for fused vectors of width <paramref name="inputSize"/>.</summary>
    /// <param name="inputSize">H, the width of the fused pair representation.</param>
    /// <param name="options">Hidden layer and dropout; null for ALBEF's single linear layer.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or option is out of range; the message names it.</exception>
    public ItmHead(long inputSize, ItmHeadOptions? options = null)
        : base(nameof(ItmHead))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        Options = options ?? new ItmHeadOptions();
        if (Options.HiddenSize is long h && h <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), h, $"{nameof(ItmHeadOptions.HiddenSize)} must be positive when set, but it is {h}.");
        }

        if (!double.IsFinite(Options.Dropout) || Options.Dropout < 0 || Options.Dropout >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Dropout, $"{nameof(ItmHeadOptions.Dropout)} must lie in [0, 1), but it is {Options.Dropout}.");
        }

        InputSize = inputSize;
        if (Options.Dropout > 0)
        {
            dropout = nn.Dropout(Options.Dropout);
        }

        long projectionInput = inputSize;
        if (Options.HiddenSize is long hiddenSize)
        {
            hidden = nn.Linear(inputSize, hiddenSize);
            projectionInput = hiddenSize;
        }

        // nn.Linear's default initialization: kaiming_uniform(a = √5) reduces to U(−1/√fan_in, 1/√fan_in).
        var bound = 1.0 / Math.Sqrt(projectionInput);
        using (var init = NewDisposeScope())
        {
            weight = Detached.Parameter(empty(2, projectionInput).uniform_(-bound, bound));
            bias = Detached.Parameter(empty(2).uniform_(-bound, bound));
        }

        RegisterComponents();
    }

    /// <summary>The options in effect.</summary>
    public ItmHeadOptions Options { get; }

    /// <summary>H, the expected width of the fused representation.</summary>
    public long InputSize { get; }

    /// <summary>Final projection weight <c>[2, H']</c> (row 1 scores "match"); state-dict key <c>weight</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>Final projection bias <c>[2]</c>; state-dict key <c>bias</c>.</summary>
    public Parameter Bias => bias;

    /// <summary>Scores fused pairs.</summary>
    /// <param name="fused">Floating-point <c>[N, H]</c> on the head's device and dtype.</param>
    /// <returns>Logits <c>[N, 2]</c>; class 1 = match.</returns>
    /// <exception cref="ArgumentException">Wrong rank, width, dtype or device; the message names <paramref name="fused"/>.</exception>
    public override Tensor forward(Tensor fused)
    {
        TensorGuard.Features(fused, nameof(fused), 2);
        TensorGuard.Size(fused, nameof(fused), 1, InputSize, "the ITM head's input size H");
        TensorGuard.SameDtypeAndDevice(weight, "the ITM head's weight", fused, nameof(fused));
        using var scope = NewDisposeScope();
        var h = dropout is null ? fused : dropout.call(fused);
        if (hidden is not null)
        {
            h = nn.functional.relu(hidden.call(h));
            if (dropout is not null)
            {
                h = dropout.call(h);
            }
        }

        return scope.MoveToOuter(nn.functional.linear(h, weight, bias));
    }
}
