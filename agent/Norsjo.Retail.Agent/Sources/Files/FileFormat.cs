using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>A line of a file that could not be used, with the reason in Swedish for the store owner.</summary>
public sealed record LineError(int LineNumber, string Problem, string RawLine);

/// <summary>What a file held: receipts (still with personal data), day totals, and what could not be used.</summary>
public sealed record FileReadResult(
    IReadOnlyList<PosReceipt> Receipts,
    IReadOnlyList<DailyTotal> DailyTotals,
    IReadOnlyList<LineError> Errors,
    string? FileError)
{
    public static FileReadResult Unreadable(string problem) => new([], [], [], problem);

    public int Count => Receipts.Count + DailyTotals.Count;
}

/// <summary>One kind of file a watched folder takes.</summary>
public interface IFileFormat
{
    bool Accepts(string fileName);

    FileReadResult Read(byte[] content);
}
