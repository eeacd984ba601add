namespace AuxLosses;

/// <summary>Options of <see cref="ItmHead"/>. The defaults give ALBEF's <c>itm_head = nn.Linear(H, 2)</c> (the paper's <c>linear_tim</c>).</summary>
public sealed class ItmHeadOptions
{
    /// <summary>
    /// Width of an optional hidden layer (Linear H→hidden, ReLU) before the 2-way projection. Default null: no
    /// hidden layer, a single Linear H→2 as in ALBEF, BLIP and the paper. Must be positive when set.
    /// </summary>
    public long? HiddenSize { get; init; }

    /// <summary>
    /// Dropout probability applied to the head's input (and hidden activations) in training mode. Default 0: the
    /// paper's <c>linear_tim</c> and ALBEF's <c>itm_head</c> see the fused vector undropped. Must lie in [0, 1).
    /// </summary>
    public double Dropout { get; init; }
}
