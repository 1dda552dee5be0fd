namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>How a till writes its export files (Agent:ExportFiles; agent/README.md says which till is safe in which).</summary>
public enum ExportFileMode
{
    /// <summary>Each file is written, finished, and left: the agent takes it once finished and moves it to "behandlade".</summary>
    Finished,

    /// <summary>Files grow (a daily journal, a per-sale appender): read as they grow from a checkpoint, never moved.</summary>
    Growing,
}

/// <summary>When a folder's files count as finished, and what the agent does with them.</summary>
/// <param name="SettleTime">Size and time unchanged this long (the last line complete, too) before a file counts as finished.</param>
/// <param name="FinishedMarker">If set, a file is finished only once a file of its name with this ending is beside it.</param>
/// <param name="TakenFilesWatchedFor">How long a taken file is watched in case its writer goes on.</param>
/// <param name="ReceiptsPerCommit">Receipts stored per transaction while a file is read.</param>
public sealed record FolderRules(ExportFileMode Mode, TimeSpan SettleTime, string? FinishedMarker, TimeSpan TakenFilesWatchedFor, int ReceiptsPerCommit = LineFileReader.ReceiptsPerChunk);
