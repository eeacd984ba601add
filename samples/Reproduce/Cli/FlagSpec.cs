using System;
using System.Collections.Generic;

namespace AuxLosses.Reproduce.Cli;

/// <summary>One command-line flag: its name, what it takes, its help line and how it sets the options.</summary>
/// <param name="Name">The flag with its dashes, e.g. <c>--txt-model</c>.</param>
/// <param name="ValueName">Placeholder of the value in the usage text; null for a switch.</param>
/// <param name="Choices">The accepted values for a choice flag; null for free values and switches.</param>
/// <param name="Help">One line for the usage text (defaults included).</param>
/// <param name="Apply">Sets the option from the value (a switch gets null); throws <see cref="FormatException"/> for a bad value.</param>
internal sealed record FlagSpec(
    string Name,
    string? ValueName,
    IReadOnlyList<string>? Choices,
    string Help,
    Func<ReproduceOptions, string?, ReproduceOptions> Apply)
{
    /// <summary>Whether the flag takes no value.</summary>
    public bool IsSwitch => ValueName is null;
}
