using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>BertAttention</c>: self-attention then its residual output block (keys <c>attention.self.*</c>, <c>attention.output.*</c>).</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig config, Device? device)
        : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config, device);
        output = new BertResidualOutput(config, config.HiddenSize, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(output.forward(self.forward(hidden, extendedMask), hidden));
    }
}

/// <summary>HF <c>BertIntermediate</c>: act(W·x + b) into the feed-forward width.</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly string _activation;

    public BertIntermediate(BertConfig config, Device? device)
        : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize, device: device);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var x = dense.forward(hidden);
        var y = _activation switch
        {
            "gelu" => nn.functional.gelu(x),
            "relu" => nn.functional.relu(x),
            // gelu_new / gelu_pytorch_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
            _ => x.Times(0.5).mul(x.pow(Scalars.Three).Times(0.044715).Plus(x).Times(System.Math.Sqrt(2.0 / System.Math.PI)).tanh().Plus(1.0)),
        };
        return scope.MoveToOuter(y);
    }
}

/// <summary>HF <c>BertLayer</c>: attention, intermediate, output (keys <c>encoder.layer.{i}.*</c>).</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig config, Device? device)
        : base(nameof(BertLayer))
    {
        attention = new BertAttention(config, device);
        intermediate = new BertIntermediate(config, device);
        output = new BertResidualOutput(config, config.IntermediateSize, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, extendedMask);
        return scope.MoveToOuter(output.forward(intermediate.forward(attended), attended));
    }
}

/// <summary>HF <c>BertEncoder</c>: holds the layers under the key <c>layer</c>; <see cref="BertModel"/> runs them to collect every state.</summary>
internal sealed class BertEncoder : nn.Module
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config, Device? device)
        : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>();
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            layer.Add(new BertLayer(config, device));
        }

        RegisterComponents();
    }

    public ModuleList<BertLayer> Layers => layer;
}

/// <summary>HF <c>BertPooler</c>: tanh(W·h_CLS + b) on the first token.</summary>
internal sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public BertPooler(BertConfig config, Device? device)
        : base(nameof(BertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(dense.forward(hidden.select(1, 0)).tanh());
    }
}
