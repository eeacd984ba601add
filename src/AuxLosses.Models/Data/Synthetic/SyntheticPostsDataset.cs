using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>A generated dataset: three disjoint splits, the options that made it and its theoretical ceilings.</summary>
public sealed class SyntheticPostsDataset
{
    internal SyntheticPostsDataset(SyntheticPostsOptions options, IReadOnlyList<SyntheticPost> train,
        IReadOnlyList<SyntheticPost> validation, IReadOnlyList<SyntheticPost> test, SyntheticCeilings ceilings)
    {
        Options = options;
        Train = train;
        Validation = validation;
        Test = test;
        Ceilings = ceilings;
    }

    /// <summary>The options the dataset was generated with.</summary>
    public SyntheticPostsOptions Options { get; }

    /// <summary>The training split (<see cref="SyntheticPostsOptions.TrainCount"/> posts, ids <c>train-NNNNN</c>).</summary>
    public IReadOnlyList<SyntheticPost> Train { get; }

    /// <summary>The validation split (<see cref="SyntheticPostsOptions.ValidationCount"/> posts, ids <c>val-NNNNN</c>).</summary>
    public IReadOnlyList<SyntheticPost> Validation { get; }

    /// <summary>The test split (<see cref="SyntheticPostsOptions.TestCount"/> posts, ids <c>test-NNNNN</c>).</summary>
    public IReadOnlyList<SyntheticPost> Test { get; }

    /// <summary>The theoretical text-only, image-only and joint ceilings of the generating process.</summary>
    public SyntheticCeilings Ceilings { get; }
}
