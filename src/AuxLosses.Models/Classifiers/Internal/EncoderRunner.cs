using System;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>Runs the wrapped encoders with input checks; frozen encoders run without a graph.</summary>
internal static class EncoderRunner
{
    public static TextEncoderOutput Text(ITextEncoder encoder, Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool frozen)
    {
        ModelGuard.TokenIds(inputIds, nameof(inputIds));
        ModelGuard.Mask(attentionMask, nameof(attentionMask), inputIds, nameof(inputIds));
        if (tokenTypeIds is not null)
        {
            ModelGuard.Mask(tokenTypeIds, nameof(tokenTypeIds), inputIds, nameof(inputIds));
        }

        using var noGrad = frozen ? no_grad() : null;
        var output = encoder.Encode(inputIds, attentionMask, tokenTypeIds)
            ?? throw new InvalidOperationException("The text encoder returned null.");
        if (output.LastHiddenState.dim() != 3 || output.LastHiddenState.shape[2] != encoder.HiddenSize || output.LastHiddenState.shape[0] != inputIds.shape[0])
        {
            throw new InvalidOperationException($"The text encoder's last hidden state must be [{inputIds.shape[0]}, L, {encoder.HiddenSize}], but it is {ModelGuard.Shape(output.LastHiddenState)}.");
        }

        return output;
    }

    public static ImageEncoderOutput Image(IImageEncoder encoder, Tensor pixels, bool frozen)
    {
        ModelGuard.Pixels(pixels, nameof(pixels));
        using var noGrad = frozen ? no_grad() : null;
        var output = encoder.Encode(pixels) ?? throw new InvalidOperationException("The image encoder returned null.");
        if (output.Pooled.dim() != 2 || output.Pooled.shape[1] != encoder.OutputSize || output.Pooled.shape[0] != pixels.shape[0])
        {
            throw new InvalidOperationException($"The image encoder's pooled output must be [{pixels.shape[0]}, {encoder.OutputSize}], but it is {ModelGuard.Shape(output.Pooled)}.");
        }

        return output;
    }

    /// <summary>Stops gradients into an encoder that is a module (the encoder may also be a plain object).</summary>
    public static void Freeze(object encoder)
    {
        if (encoder is nn.Module module)
        {
            foreach (var parameter in module.parameters())
            {
                parameter.requires_grad = false;
            }
        }
    }

    /// <summary>The vector that represents a text: the CLS state of the last layer, or the encoder's pooler output.</summary>
    public static Tensor TextVector(TextEncoderOutput output, bool usePooler)
    {
        if (usePooler)
        {
            return output.Pooled ?? throw new InvalidOperationException("UseTextPooler is set, but the text encoder has no pooler output.");
        }

        return output.LastHiddenState.select(1, 0);
    }
}
