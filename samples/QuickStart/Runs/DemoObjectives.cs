using System;
using System.Collections.Generic;
using System.Linq;

namespace AuxLosses.QuickStart;

/// <summary>Names of <see cref="DemoObjective"/> as the table, the charts and the command line show them.</summary>
internal static class DemoObjectives
{
    public static IReadOnlyList<DemoObjective> All { get; } = Enum.GetValues<DemoObjective>();

    public static string Label(DemoObjective objective) => objective switch
    {
        DemoObjective.CrossEntropy => "CE",
        DemoObjective.CrossEntropyItc => "CE+ITC",
        DemoObjective.CrossEntropyItm => "CE+ITM",
        DemoObjective.CrossEntropyItcItm => "CE+ITC+ITM",
        DemoObjective.SppScl => "SPP-SCL",
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown objective."),
    };

    /// <summary>The objective whose <see cref="Label"/> (case-insensitive) is <paramref name="label"/>.</summary>
    public static bool TryParse(string label, out DemoObjective objective)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Label(candidate), label, StringComparison.OrdinalIgnoreCase))
            {
                objective = candidate;
                return true;
            }
        }

        objective = default;
        return false;
    }

    public static string AllLabels => string.Join(", ", All.Select(Label));
}
