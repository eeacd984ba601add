namespace AuxLosses.Models;

/// <summary>How <see cref="Trainer{TBatch}"/> weights the classes in the cross-entropy term.</summary>
public enum ClassWeightMode
{
    /// <summary>Every class weighs 1 (plain mean cross-entropy).</summary>
    None,

    /// <summary>
    /// sklearn's <c>compute_class_weight("balanced")</c> from the training labels,
    /// <c>w_c = n_samples / (n_classes · count_c)</c> (<see cref="ClassWeights.Balanced(System.ReadOnlySpan{int}, int)"/>),
    /// computed once from one pass over the training source's labels.
    /// </summary>
    Balanced,

    /// <summary>The weights given in <see cref="TrainerOptions.ClassWeights"/>.</summary>
    Explicit,
}
