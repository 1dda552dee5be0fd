using System.Globalization;
using System.Text;
using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>
/// What a SIE file held, as far as sales go: the days to send, what is wrong (with lines), why the
/// whole file is refused (or null), and the vouchers held back as a SIE file of their own, in the
/// file's own bytes, to be fixed and dropped in again (null when nothing is held back).
/// </summary>
public sealed record SieFile(
    string EncodingName, string CompanyName, int Vouchers, IReadOnlyList<DailyTotal> Days, IReadOnlyList<LineError> Errors,
    string? FileError = null, byte[]? HeldBack = null);

/// <summary>
/// Reads SIE 4 (4E/4I) files: the vouchers (#VER) and their rows (#TRANS), where a row added later
/// (#RTRANS) is followed by a copy as #TRANS for older programs, which is skipped, and a removed row
/// (#BTRANS) does not count. #KSUMMA is verified when present (<see cref="SieChecksum"/>). A voucher
/// that does not balance, is never closed, or has a row without account or amount is an error with
/// its line; a file that ends inside a voucher, or before its closing #KSUMMA, is cut short and
/// refused whole. What the rows mean is judged by <see cref="SieDayBook"/>. Text (voucher texts,
/// names) is read only to find the encoding: CP437 as the standard says, UTF-8 or ISO-8859-15 as found.
/// </summary>
public sealed class Sie4Reader(SieAccounts accounts)
{
    private static readonly HashSet<string> BalanceLabels = ["#IB", "#UB", "#OIB", "#OUB", "#RES", "#PSALDO", "#PBUDGET"];

    private readonly SieMapping _mapping = accounts.Resolve();

    static Sie4Reader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public SieFile Parse(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var (encoding, name, text) = Decode(content);
        var lines = text.Split('\n');
        var document = Read(lines, encoding, name);
        if (document.FileProblem is { } problem)
        {
            return new SieFile(name, document.CompanyName, 0, [], [], problem);
        }

        var judged = SieDayBook.Judge(document, _mapping);
        var errors = document.LooseErrors.Concat(judged.Errors).OrderBy(e => e.LineNumber).ToList();
        var heldBack = judged.HeldBack.Count == 0 ? null : HeldBackFile(content, document, judged.HeldBack);
        return new SieFile(name, document.CompanyName, judged.Vouchers, judged.Days, errors, judged.FileError, heldBack);
    }

    private static SieDocument Read(string[] lines, Encoding encoding, string encodingName)
    {
        var document = new SieDocument { EncodingName = encodingName };
        var checksum = new SieChecksum(encoding);
        var checksumClosed = false;
        SieVoucher? open = null;
        (string Account, string Amount)? lastSupplement = null;

        void Close(SieVoucher voucher, int lastIndex)
        {
            voucher.LastIndex = lastIndex;
            if (voucher.Problems.Count == 0 && voucher.Sum != 0)
            {
                voucher.Problems.Add(new LineError(voucher.Line,
                    $"Verifikation {voucher.Name} balanserar inte: debet och kredit skiljer {SwedishValues.Kronor(Math.Abs(voucher.Sum))}.{Held(voucher)}", voucher.Raw));
            }
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            var fields = Tokenize(raw);
            if (fields.Count == 0)
            {
                continue;
            }

            var lineNumber = i + 1;
            var label = fields[0].ToUpperInvariant();
            if (label == "#KSUMMA")
            {
                if (!checksum.Started)
                {
                    checksum.Start();
                }
                else if (!checksumClosed)
                {
                    checksumClosed = true;
                    if (fields.Count < 2 || !checksum.Matches(fields[1]))
                    {
                        document.FileProblem =
                            $"Kontrollsumman (#KSUMMA på rad {lineNumber}) stämmer inte med filens innehåll: filen har ändrats eller skadats efter att den skrevs. " +
                            "Inget ur filen har räknats. Exportera filen igen från kassan.";
                        return document;
                    }
                }

                continue;
            }

            if (checksum.Started && !checksumClosed && label is not ("{" or "}"))
            {
                checksum.Add(fields);
            }

            if (open is null && document.Vouchers.Count == 0 && label is not ("#VER" or "{" or "}"))
            {
                document.HeaderLines.Add(i);
            }

            switch (label)
            {
                case "#FNAMN" when fields.Count > 1:
                    document.CompanyName = fields[1];
                    break;
                case "#KONTO" when fields.Count > 2:
                    document.AccountNames[fields[1]] = fields[2];
                    break;
                case var balance when BalanceLabels.Contains(balance):
                    document.Balances++;
                    break;
                case "#VER":
                    if (open is not null)
                    {
                        // The next voucher began before this one was closed: it would swallow it.
                        open.Problems.Add(new LineError(open.Line,
                            $"Verifikation {open.Name} avslutas aldrig med }} (nästa #VER börjar på rad {lineNumber}).{Held(open)}", open.Raw));
                        Close(open, i - 1);
                    }

                    var date = fields.Count > 3 && DateOnly.TryParseExact(fields[3], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                        ? d : (DateOnly?)null;
                    open = new SieVoucher(i, raw, fields.Count > 1 ? fields[1] : string.Empty, fields.Count > 2 ? fields[2] : string.Empty, date,
                        fields.Count > 4 ? fields[4] : string.Empty);
                    document.Vouchers.Add(open);
                    if (date is null)
                    {
                        open.Problems.Add(new LineError(lineNumber, $"Verifikation {open.Name} saknar ett giltigt datum (ÅÅÅÅMMDD); den kan inte räknas till någon dag.", raw));
                    }

                    lastSupplement = null;
                    break;
                case "{":
                    break;
                case "}":
                    if (open is null)
                    {
                        document.LooseErrors.Add(new LineError(lineNumber, "En } som inte avslutar någon verifikation.", raw));
                        break;
                    }

                    Close(open, i);
                    open = null;
                    lastSupplement = null;
                    break;
                case "#TRANS" or "#RTRANS" or "#BTRANS" when open is null:
                    document.LooseErrors.Add(new LineError(lineNumber, $"{label} utanför en verifikation räknas inte.", raw));
                    break;
                case "#TRANS" or "#RTRANS" or "#BTRANS":
                    if (fields.Count < 2 || fields[1].Length == 0 || !fields[1].All(char.IsAsciiDigit))
                    {
                        open!.Problems.Add(new LineError(lineNumber,
                            $"{label} i verifikation {open.Name} saknar kontonummer (\"{(fields.Count > 1 ? fields[1] : string.Empty)}\").{Held(open)}", raw));
                        break;
                    }

                    if (fields.Count < 4 || !TryOre(fields[3], out var ore))
                    {
                        open!.Problems.Add(new LineError(lineNumber,
                            $"{label} på konto {fields[1]} i verifikation {open.Name} saknar belopp eller har ett ogiltigt belopp (kronor med högst två decimaler, punkt som decimaltecken).{Held(open)}", raw));
                        break;
                    }

                    if (label == "#BTRANS")
                    {
                        break; // a row that was removed: it does not count
                    }

                    if (label == "#TRANS" && lastSupplement == (fields[1], fields[3]))
                    {
                        lastSupplement = null; // the copy of the #RTRANS before it, for older programs
                        break;
                    }

                    lastSupplement = label == "#RTRANS" ? (fields[1], fields[3]) : null;
                    open!.Rows.Add(new SieRow(fields[1], ore, lineNumber));
                    break;
            }
        }

        if (open is not null)
        {
            document.FileProblem =
                $"Filen tar slut inne i verifikation {open.Name} (rad {open.Line}), som aldrig avslutas med }}: filen är avkortad. " +
                "Inget ur filen har räknats. Exportera filen igen från kassan.";
        }
        else if (checksum.Started && !checksumClosed)
        {
            document.FileProblem =
                "Filen börjar med #KSUMMA men den avslutande #KSUMMA med kontrollsumman saknas: filen är avkortad. " +
                "Inget ur filen har räknats. Exportera filen igen från kassan.";
        }

        return document;
    }

    internal static string Held(SieVoucher voucher) => voucher.Date is { } day
        ? $" Dagen {day:yyyy-MM-dd} skickas inte förrän den är rättad."
        : string.Empty;

    /// <summary>
    /// The file's own records before its first voucher (without #KSUMMA, which would no longer
    /// hold) and the held-back vouchers, whole and in the file's own bytes: a SIE file to fix and
    /// drop in again.
    /// </summary>
    private static byte[] HeldBackFile(byte[] content, SieDocument document, IReadOnlyCollection<SieVoucher> held)
    {
        var starts = new List<int> { 0 };
        for (var b = 0; b < content.Length; b++)
        {
            if (content[b] == '\n')
            {
                starts.Add(b + 1);
            }
        }

        var output = new MemoryStream();

        void Copy(int index)
        {
            var start = starts[index];
            var end = index + 1 < starts.Count ? starts[index + 1] : content.Length;
            output.Write(content, start, end - start);
            if (end == content.Length && (end == start || content[end - 1] != '\n'))
            {
                output.WriteByte((byte)'\n');
            }
        }

        foreach (var index in document.HeaderLines)
        {
            Copy(index);
        }

        foreach (var voucher in held.OrderBy(v => v.FirstIndex))
        {
            for (var index = voucher.FirstIndex; index <= voucher.LastIndex; index++)
            {
                Copy(index);
            }
        }

        return output.ToArray();
    }

    private static bool TryOre(string text, out long ore)
    {
        ore = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var kronor)
            || Math.Abs(kronor) > 10_000_000_000m)
        {
            return false;
        }

        var scaled = kronor * 100;
        ore = (long)scaled;
        return scaled == decimal.Truncate(scaled);
    }

    /// <summary>Splits a SIE line into fields: quoted strings (with \" inside) and {object lists} stay whole.</summary>
    internal static List<string> Tokenize(string line)
    {
        var fields = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '"')
            {
                var value = new StringBuilder();
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                    }

                    value.Append(line[i++]);
                }

                i++;
                fields.Add(value.ToString());
            }
            else if (c == '{' && fields.Count > 0)
            {
                var end = line.IndexOf('}', i);
                end = end < 0 ? line.Length - 1 : end;
                fields.Add(line[i..(end + 1)]);
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i]))
                {
                    i++;
                }

                fields.Add(line[start..i]);
            }
        }

        return fields;
    }

    /// <summary>
    /// UTF-8 if the bytes are valid UTF-8; otherwise CP437 (the standard's PC8) or ISO-8859-15,
    /// whichever makes more of the bytes into Swedish letters.
    /// </summary>
    private static (Encoding Encoding, string Name, string Text) Decode(byte[] content)
    {
        var ascii = content.All(b => b < 0x80);
        if (!ascii)
        {
            try
            {
                var utf8 = new UTF8Encoding(false, true);
                return (utf8, "UTF-8", utf8.GetString(content).TrimStart('\uFEFF'));
            }
            catch (DecoderFallbackException)
            {
                // not UTF-8
            }
        }

        var pc8 = content.Count(b => b is 0x86 or 0x84 or 0x94 or 0x8F or 0x8E or 0x99 or 0x81 or 0x82 or 0x9A);
        var latin = content.Count(b => b is 0xE5 or 0xE4 or 0xF6 or 0xC5 or 0xC4 or 0xD6 or 0xE9 or 0xFC or 0xDC);
        return latin > pc8
            ? (Encoding.GetEncoding(28605), "ISO-8859-15", Encoding.GetEncoding(28605).GetString(content))
            : (Encoding.GetEncoding(437), "CP437", Encoding.GetEncoding(437).GetString(content));
    }
}

/// <summary>SIE files (*.se, *.si, *.sie) as a file format of a watched folder.</summary>
public sealed class Sie4Format(SieAccounts accounts) : IFileFormat
{
    /// <summary>Why a file without vouchers is refused (a type 1–3 file of balances, or no SIE file at all).</summary>
    internal const string NoVouchers = "Filen innehåller inga verifikationer (#VER).";

    private readonly Sie4Reader _reader = new(accounts);

    public bool Accepts(string fileName) =>
        fileName.EndsWith(".se", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".si", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".sie", StringComparison.OrdinalIgnoreCase);

    public FileReadResult Read(byte[] content)
    {
        var file = _reader.Parse(content);
        if (file.FileError is not null)
        {
            return FileReadResult.Unreadable(file.FileError);
        }

        return file.Vouchers == 0 && file.Errors.Count == 0
            ? FileReadResult.Unreadable(NoVouchers)
            : new FileReadResult([], file.Days, file.Errors, null) { FixableContent = file.HeldBack };
    }
}
