using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace AuxLosses.Reproduce.Results;

/// <summary>The repo's preds CSV: <c>data_id,label,prediction</c>, one row per test post.</summary>
internal static class PredictionsFile
{
    public static void Write(string path, IReadOnlyList<(string Id, int Label, int Prediction)> rows)
    {
        var text = new StringBuilder("data_id,label,prediction\n");
        foreach (var (id, label, prediction) in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Quote(id)},{label},{prediction}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", System.StringComparison.Ordinal) + "\"";
}
