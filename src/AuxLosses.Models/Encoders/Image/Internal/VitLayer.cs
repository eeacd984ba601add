using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// HF <c>ViTLayer</c>, a pre-norm block:
/// <code>
/// h = x + Attention(LN_before(x))
/// y = h + Output(Intermediate(LN_after(h)))
/// </code>
/// </summary>
internal sealed class VitLayer : nn.Module<Tensor, Tensor>
{
    private readonly VitAttention attention;
    private readonly VitDenseDropout intermediate;
    private readonly VitDenseDropout output;
    private readonly LayerNorm layernorm_before;
    private readonly LayerNorm layernorm_after;

    public VitLayer(VitConfig config)
        : base(nameof(VitLayer))
    {
        attention = new VitAttention(config);
        intermediate = new VitDenseDropout(config.HiddenSize, config.IntermediateSize, 0.0, config.HiddenAct);
        output = new VitDenseDropout(config.IntermediateSize, config.HiddenSize, config.HiddenDropoutProb);
        layernorm_before = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        layernorm_after = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = attention.forward(layernorm_before.forward(x)).Plus(x);
        var y = output.forward(intermediate.forward(layernorm_after.forward(h))).Plus(h);
        return scope.MoveToOuter(y);
    }
}
