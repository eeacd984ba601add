namespace AuxLosses.Reproduce.Cli;

/// <summary>How the data folder is laid out (--format).</summary>
internal enum DataFormat
{
    /// <summary>The paper repository's data_key_*.csv files (tweet_id,text,label,split) and image folders.</summary>
    DataKey,

    /// <summary>CLMLF's train.json / dev.json / test.json (MVSA-Single, MVSA-Multiple, HFM) with an image folder.</summary>
    Clmlf,

    /// <summary>HFM's raw train.txt / valid2.txt / test2.txt (Python list literals) with the standard keyword filter.</summary>
    HfmRaw,

    /// <summary>The raw TIR file textimage-data.csv (tasks 0–2): unquoted commas in the text, no split column required.</summary>
    Tir,
}
