using System;
using System.Collections.Generic;

namespace AuxLosses.Reproduce.Tasks;

/// <summary>The seven tasks of run_mm_late.py (--task 0..6), as config.py defines them.</summary>
internal static class TaskTable
{
    private const string TirFile = "data_key_imgtxt_random.csv";
    private const string TirImages = "text-image/T{0}.jpg";

    /// <summary>The four TIR indicator columns; the class is their argmax (config.py, task 2).</summary>
    public static IReadOnlyList<string> TirColumns { get; } =
        ["image_adds_text_repr", "image_adds_text_notrepr", "image_notadds_text_repr", "image_notadds_text_notrepr"];

    /// <summary>Tasks 0–6 in order.</summary>
    public static IReadOnlyList<TaskSpec> All { get; } =
    [
        new(0, "text_is_represented", 2, 8, TirFile, "tweet_id", ["text_is_represented"], TirImages, null, []),
        new(1, "image_adds", 2, 8, TirFile, "tweet_id", ["image_adds"], TirImages, null, []),
        new(2, "tir", 4, 8, TirFile, "tweet_id", TirColumns, TirImages,
            ["image adds and text is represented", "image adds and text is not represented",
             "image does not add and text is represented", "image does not adds and text is not represented"], []),
        new(3, "mvsa", 3, 16, "data_key_mvsa.csv", "tweet_id", ["label"], "MVSA-Single/data/{0}.jpg", ["neutral", "positive", "negative"], []),
        new(4, "mhp", 4, 8, "data_key_mhp.csv", "tweet_id", ["label"], "MHP/Data/Images/{0}.jpg", null, []),
        new(5, "mic", 2, 16, "data_key_mic.csv", "id", ["label"], "MIC/spc_imgs_twitter/{0}_1.jpg", null, []),
        new(6, "msd", 2, 16, "data_key_msd.csv", "tweet_id", ["label"], "MSD/dataset_image/{0}.jpg", ["not sarcastic", "sarcastic"],
            ["715376758774575105", "687440182027497472", "918237307169378305"]),
    ];

    /// <summary>The task with the given number.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0..6.</exception>
    public static TaskSpec Get(int id) => id >= 0 && id < All.Count
        ? All[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, "--task must be 0..6");
}
