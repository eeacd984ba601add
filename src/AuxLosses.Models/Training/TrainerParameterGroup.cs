using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>One AdamW parameter group the trainer built (see <see cref="TrainerOptions.WeightDecay"/> and <see cref="TrainerOptions.ModuleLearningRates"/>).</summary>
/// <param name="Name">A readable name: the learning-rate prefix (or <c>"default"</c>) and <c>decay</c>/<c>no_decay</c>.</param>
/// <param name="LearningRate">The group's base learning rate (before the schedule factor).</param>
/// <param name="WeightDecay">The group's weight decay (0 for the no-decay groups).</param>
/// <param name="ParameterNames">State-dict names of the group's parameters.</param>
public sealed record TrainerParameterGroup(string Name, double LearningRate, double WeightDecay, IReadOnlyList<string> ParameterNames);
