using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>ViTAttention</c>: self-attention then its output projection (<c>attention.output.dense</c>); the residual is added by the layer.</summary>
internal sealed class VitAttention : nn.Module<Tensor, Tensor>
{
    private readonly VitSelfAttention attention;
    private readonly VitDenseDropout output;

    public VitAttention(VitConfig config)
        : base(nameof(VitAttention))
    {
        attention = new VitSelfAttention(config);
        output = new VitDenseDropout(config.HiddenSize, config.HiddenSize, config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(output.forward(attention.forward(hidden)));
    }
}
