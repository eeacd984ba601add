using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>Settings of <see cref="SppSclModel"/>. Defaults reproduce SPP-SCL's <c>MSA_Model</c> (github.com/TomorrowJW/SPP-SCL).</summary>
public sealed class SppSclOptions
{
    /// <summary>Number of classes (MVSA: 3). Default 3.</summary>
    public long NumClasses { get; init; } = 3;

    /// <summary>Dropout everywhere in the trainable part (<c>config.dropout</c>). Default 0.2.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Indices into <see cref="TextEncoderOutput.HiddenStates"/> whose CLS and token states feed the HA module (layers 9–12). Default {9, 10, 11, 12}.</summary>
    public IReadOnlyList<int> TextLayers { get; init; } = [9, 10, 11, 12];

    /// <summary>Hidden size of each direction of the HA module's BiLSTM (output 2×). Default 64.</summary>
    public long LstmHiddenSize { get; init; } = 64;

    /// <summary>Channels of the image head's 1×1 convolution (2048 → 128). Default 128.</summary>
    public long ImageHeadChannels { get; init; } = 128;

    /// <summary>d, the width of the aligned spaces and of the CMF attention. Default 32.</summary>
    public long SharedSize { get; init; } = 32;

    /// <summary>
    /// Keep the frozen encoders in training mode when the model trains. The reference freezes them by
    /// <c>requires_grad = False</c> only, so <c>model.train()</c> also switches ResNet's BatchNorm (running statistics
    /// keep updating) and BERT's dropout to training mode. Default false: the frozen encoders always run in eval mode.
    /// They never receive gradients either way.
    /// </summary>
    public bool FrozenEncodersFollowTrainMode { get; init; }

    /// <summary>
    /// Average the BiLSTM outputs over real tokens only. The reference feeds <c>hidden_states[k][:, 1:-1]</c> (drops
    /// position 0 and the last position — the last padding token, not [SEP], when sequences are padded) and averages
    /// over all remaining positions, padding included. Default false (the reference).
    /// </summary>
    public bool MaskPadding { get; init; }
}
