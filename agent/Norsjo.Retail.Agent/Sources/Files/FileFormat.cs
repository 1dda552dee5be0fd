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

    /// <summary>
    /// The unusable part as a file of the format's own, in the file's own bytes (a SIE file's
    /// held-back vouchers, whole): written as the ".felrader" file instead of the bad lines.
    /// </summary>
    public byte[]? FixableContent { get; init; }

    public int Count => Receipts.Count + DailyTotals.Count;
}

/// <summary>One kind of file a watched folder takes.</summary>
public interface IFileFormat
{
    bool Accepts(string fileName);

    FileReadResult Read(byte[] content);
}

/// <summary>One line as a line format read it: the receipt it belongs to and, if it cannot be used, why.</summary>
public abstract record ParsedLine(int LineNumber, string Raw, string ReceiptKey, string? Problem);

/// <summary>A receipt made of some lines, or what keeps it out.</summary>
public sealed record AssembledReceipt(PosReceipt? Receipt, IReadOnlyList<LineError> Errors);

/// <summary>Reads the lines of one file after its header; one instance per reading, so it may remember what it saw.</summary>
public interface IReceiptLines
{
    /// <summary>True when every line is a whole receipt (JSON lines); false when a receipt's rows follow one another (CSV).</summary>
    bool ReceiptPerLine { get; }

    ParsedLine Parse(int lineNumber, string line);

    /// <summary>The consecutive lines of one receipt (one <see cref="ParsedLine.ReceiptKey"/>).</summary>
    AssembledReceipt Assemble(IReadOnlyList<ParsedLine> lines);
}

/// <summary>
/// A format of lines (CSV, JSON lines): read piece by piece from a checkpoint, never as a whole
/// (<see cref="LineFileReader"/>), so a file of any size, or one still growing, can be taken.
/// </summary>
public interface ILineFormat : IFileFormat
{
    bool HasHeader { get; }

    /// <summary>The reader for a file that starts with this line (null for formats without a header), or why the file cannot be read.</summary>
    IReceiptLines? Start(string? header, out string? problem);
}
