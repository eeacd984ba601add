using System.IO;
using System.Text.Json;

namespace AuxLosses.QuickStart;

/// <summary>Reads and writes <see cref="RunResult"/>s (a child's result file, the demo's results.json).</summary>
internal static class RunResultJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(string path, RunResult result)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(result, Options));
        File.Move(temporary, path, overwrite: true);
    }

    public static RunResult Read(string path) =>
        JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"'{path}' holds no run result.");
}
