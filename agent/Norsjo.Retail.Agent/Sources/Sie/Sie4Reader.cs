using System.Globalization;
using System.Text;
using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>What a SIE file held, as far as sales go.</summary>
public sealed record SieFile(string EncodingName, string CompanyName, int Vouchers, IReadOnlyList<DailyTotal> Days, IReadOnlyList<LineError> Errors);

/// <summary>
/// Reads SIE 4 (4E/4I) files: the vouchers (#VER) and their rows (#TRANS), where a row added later
/// (#RTRANS) is followed by a copy as #TRANS for older programs, which is skipped, and a removed row
/// (#BTRANS) does not count. Sales, output VAT and payment accounts (see <see cref="SieAccounts"/>)
/// are summed per voucher date into a day's totals per VAT rate and payment method. A voucher that
/// does not balance is reported with its line and left out whole. Text (voucher texts, names) is
/// read only to find the encoding: CP437 as the standard says, UTF-8 or ISO-8859-15 as found.
/// </summary>
public sealed class Sie4Reader(SieAccounts accounts)
{
    static Sie4Reader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public SieFile Parse(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var (encoding, text) = Decode(content);
        var lines = text.Split('\n');
        var errors = new List<LineError>();
        var company = string.Empty;
        var vouchers = 0;
        var days = new SortedDictionary<DateOnly, DayTotals>();
        Voucher? open = null;
        (string Account, string Amount)? lastSupplement = null;

        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            var fields = Tokenize(raw);
            if (fields.Count == 0)
            {
                continue;
            }

            var lineNumber = i + 1;
            switch (fields[0].ToUpperInvariant())
            {
                case "#FNAMN" when fields.Count > 1:
                    company = fields[1];
                    break;
                case "#VER":
                    if (!TryDate(fields, 3, out var date))
                    {
                        errors.Add(new LineError(lineNumber, "Verifikationen saknar ett giltigt datum (ÅÅÅÅMMDD).", raw));
                        open = new Voucher(lineNumber, raw, null, Label(fields));
                    }
                    else
                    {
                        open = new Voucher(lineNumber, raw, date, Label(fields));
                    }

                    break;
                case "{":
                    break;
                case "}":
                    if (open is { Date: { } day, Failed: false })
                    {
                        if (open.Sum != 0)
                        {
                            errors.Add(new LineError(open.Line,
                                $"Verifikation {open.Name} balanserar inte: debet och kredit skiljer {SwedishValues.Kronor(Math.Abs(open.Sum))}. Den räknas inte.", open.Raw));
                        }
                        else
                        {
                            vouchers++;
                            if (!days.TryGetValue(day, out var totals))
                            {
                                days[day] = totals = new DayTotals();
                            }

                            totals.Add(open);
                        }
                    }

                    open = null;
                    lastSupplement = null;
                    break;
                case "#TRANS" or "#RTRANS" or "#BTRANS" when open is not null:
                    var kind = fields[0].ToUpperInvariant();
                    if (fields.Count < 4 || !TryOre(fields[3], out var ore))
                    {
                        errors.Add(new LineError(lineNumber, $"{kind} saknar konto eller har ett ogiltigt belopp.", raw));
                        open.Failed = true;
                        break;
                    }

                    if (kind == "#BTRANS")
                    {
                        break; // a row that was removed: it does not count
                    }

                    if (kind == "#TRANS" && lastSupplement == (fields[1], fields[3]))
                    {
                        lastSupplement = null; // the copy of the #RTRANS before it, for older programs
                        break;
                    }

                    lastSupplement = kind == "#RTRANS" ? (fields[1], fields[3]) : null;
                    open.Add(fields[1], ore, accounts);
                    break;
            }
        }

        if (open is not null)
        {
            errors.Add(new LineError(open.Line, $"Verifikation {open.Name} avslutas aldrig med }}.", open.Raw));
        }

        return new SieFile(encoding, company, vouchers, days.Select(d => d.Value.ToDailyTotal(d.Key)).ToList(), errors);
    }

    private static string Label(List<string> fields) => string.Join(' ', fields.Skip(1).Take(2)).Trim();

    private sealed class Voucher(int line, string raw, DateOnly? date, string name)
    {
        public int Line { get; } = line;

        public string Raw { get; } = raw;

        public DateOnly? Date { get; } = date;

        public string Name { get; } = name;

        public bool Failed { get; set; } = date is null;

        public long Sum { get; private set; }

        public Dictionary<int, long> Net { get; } = [];

        public Dictionary<int, long> Vat { get; } = [];

        public Dictionary<PaymentMethod, long> Paid { get; } = [];

        public void Add(string account, long ore, SieAccounts accounts)
        {
            Sum += ore;
            // Sales and VAT are credits (negative in SIE); money in is a debit (positive).
            if (accounts.Sales.TryGetValue(account, out var rate))
            {
                Net[rate] = Net.GetValueOrDefault(rate) - ore;
            }
            else if (accounts.Vat.TryGetValue(account, out var vatRate))
            {
                Vat[vatRate] = Vat.GetValueOrDefault(vatRate) - ore;
            }
            else if (accounts.Payments.TryGetValue(account, out var method))
            {
                var m = ToMethod(method);
                Paid[m] = Paid.GetValueOrDefault(m) + ore;
            }
        }
    }

    private sealed class DayTotals
    {
        private readonly Dictionary<int, (long Net, long Vat)> _byRate = [];
        private readonly Dictionary<PaymentMethod, long> _paid = [];

        public void Add(Voucher voucher)
        {
            foreach (var rate in voucher.Net.Keys.Union(voucher.Vat.Keys))
            {
                var (net, vat) = _byRate.GetValueOrDefault(rate);
                _byRate[rate] = (net + voucher.Net.GetValueOrDefault(rate), vat + voucher.Vat.GetValueOrDefault(rate));
            }

            foreach (var (method, amount) in voucher.Paid)
            {
                _paid[method] = _paid.GetValueOrDefault(method) + amount;
            }
        }

        public DailyTotal ToDailyTotal(DateOnly date)
        {
            var total = new DailyTotal
            {
                Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
                Source = DailySource.Sie4,
            };
            foreach (var (rate, (net, vat)) in _byRate.OrderBy(r => r.Key))
            {
                total.Sales.Add(new DailySales { Category = string.Empty, VatRateBasisPoints = rate * 100, GrossOre = net + vat, VatOre = vat });
            }

            foreach (var (method, amount) in _paid.OrderBy(p => p.Key))
            {
                total.Payments.Add(new Payment { Method = method, AmountOre = amount });
            }

            return total;
        }
    }

    private static PaymentMethod ToMethod(string method) => SwedishValues.ParseMethod(method, "Agent:Sie:Payments") switch
    {
        PayMethod.Cash => PaymentMethod.Cash,
        PayMethod.Card => PaymentMethod.Card,
        PayMethod.Swish => PaymentMethod.Swish,
        PayMethod.Invoice => PaymentMethod.Invoice,
        _ => PaymentMethod.Other,
    };

    private static bool TryDate(List<string> fields, int index, out DateOnly date)
    {
        date = default;
        return fields.Count > index && DateOnly.TryParseExact(fields[index], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static bool TryOre(string text, out long ore)
    {
        ore = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var kronor))
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
    private static (string Name, string Text) Decode(byte[] content)
    {
        var ascii = content.All(b => b < 0x80);
        if (!ascii)
        {
            try
            {
                return ("UTF-8", new UTF8Encoding(false, true).GetString(content).TrimStart('\uFEFF'));
            }
            catch (DecoderFallbackException)
            {
                // not UTF-8
            }
        }

        var pc8 = content.Count(b => b is 0x86 or 0x84 or 0x94 or 0x8F or 0x8E or 0x99 or 0x81 or 0x82 or 0x9A);
        var latin = content.Count(b => b is 0xE5 or 0xE4 or 0xF6 or 0xC5 or 0xC4 or 0xD6 or 0xE9 or 0xFC or 0xDC);
        return latin > pc8
            ? ("ISO-8859-15", Encoding.GetEncoding(28605).GetString(content))
            : ("CP437", Encoding.GetEncoding(437).GetString(content));
    }
}

/// <summary>SIE files (*.se, *.si, *.sie) as a file format of a watched folder.</summary>
public sealed class Sie4Format(SieAccounts accounts) : IFileFormat
{
    private readonly Sie4Reader _reader = new(accounts);

    public bool Accepts(string fileName) =>
        fileName.EndsWith(".se", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".si", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".sie", StringComparison.OrdinalIgnoreCase);

    public FileReadResult Read(byte[] content)
    {
        var file = _reader.Parse(content);
        return file.Vouchers == 0 && file.Errors.Count == 0
            ? FileReadResult.Unreadable("Filen innehåller inga verifikationer (#VER).")
            : new FileReadResult([], file.Days, file.Errors, null);
    }
}
