using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>BertSelfOutput</c> and <c>BertOutput</c>: LayerNorm(dropout(W·x + b) + residual).</summary>
internal sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertResidualOutput(BertConfig config, long inputSize, Device? device)
        : base(nameof(BertResidualOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize, device: device);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(LayerNorm.forward(dropout.forward(dense.forward(x)).add(residual, Scalars.One)));
    }
}
