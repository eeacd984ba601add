using System;
using AuxLosses.Internal;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>The <c>hidden_act</c> values of Hugging Face's ACT2FN that ViT checkpoints use.</summary>
internal static class VitActivation
{
    public const string SupportedNames = "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, quick_gelu, relu, silu, swish";

    public static bool IsSupported(string? name) => name is "gelu" or "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast"
        or "quick_gelu" or "relu" or "silu" or "swish";

    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "gelu" => nn.functional.gelu(x),
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): the tanh approximation of GELU.
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x.Times(0.5).mul(tanh(x.Plus(x.pow(Scalars.Three).Times(0.044715)).Times(Math.Sqrt(2.0 / Math.PI))).Plus(1.0)),
        "quick_gelu" => x * sigmoid(x.Times(1.702)),
        "relu" => nn.functional.relu(x),
        "silu" or "swish" => nn.functional.silu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unsupported activation; expected one of {SupportedNames}."),
    };
}
