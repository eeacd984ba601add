namespace AuxLosses;

/// <summary>One named, weighted term λ·term of a <see cref="JointObjective"/>.</summary>
/// <param name="Name">The term's name, as passed to <see cref="JointObjective.Compute(System.Collections.Generic.IReadOnlyDictionary{string, TorchSharp.torch.Tensor})"/> (compared ordinally, case-sensitive).</param>
/// <param name="Weight">The term's weight λ (finite, ≥ 0). A zero weight disables the term: it may then be omitted.</param>
public sealed record JointObjectiveTerm(string Name, double Weight);
