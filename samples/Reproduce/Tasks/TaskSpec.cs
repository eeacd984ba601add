using System.Collections.Generic;

namespace AuxLosses.Reproduce.Tasks;

/// <summary>One row of the paper repository's task table (config.py: TASKS, PATH, IMG_FMT, CLASSES and Config's branches).</summary>
/// <param name="Id">The --task number.</param>
/// <param name="Name">config.py's TASKS name (e.g. <c>mvsa</c>).</param>
/// <param name="NumClasses">Number of classes.</param>
/// <param name="BatchSize">Batch size of every loader.</param>
/// <param name="DataFile">The data key CSV under the data folder.</param>
/// <param name="IdColumn">The id column of that CSV (<c>id</c> for MIC, else <c>tweet_id</c>).</param>
/// <param name="LabelColumns">The label column; TIR (task 2) has four indicator columns whose argmax is the class.</param>
/// <param name="ImageFormat">The image path under the data folder, <c>{0}</c> for the id (IMG_FMT without DATA_PATH).</param>
/// <param name="ClassNames">The class names config.py lists (null where it lists none).</param>
/// <param name="ExcludedIds">Ids config.py drops for this task (besides failed_ids.txt for tasks 0–2).</param>
internal sealed record TaskSpec(
    int Id,
    string Name,
    int NumClasses,
    int BatchSize,
    string DataFile,
    string IdColumn,
    IReadOnlyList<string> LabelColumns,
    string ImageFormat,
    IReadOnlyList<string>? ClassNames,
    IReadOnlyList<string> ExcludedIds)
{
    /// <summary>Tasks 0–2 read data_key_imgtxt_random.csv and drop the ids of failed_ids.txt.</summary>
    public bool UsesFailedIdsFile => Id <= 2;
}
