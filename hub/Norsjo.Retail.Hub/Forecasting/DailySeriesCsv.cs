using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Norsjo.Retail.Hub.Forecasting;

/// <summary>What to do with two lines for the same series and day: add them up, or refuse the file.</summary>
public enum CsvDuplicateDays
{
    Sum,
    Refuse,
}

/// <summary>How to read a file of daily values; every name is optional (the reader finds the usual ones).</summary>
public sealed record DailySeriesCsvOptions
{
    public CsvDuplicateDays Duplicates { get; init; } = CsvDuplicateDays.Sum;

    /// <summary>The header of the series' column (a store, a product); none: one series named after the file.</summary>
    public string? StoreColumn { get; init; }

    public string? DateColumn { get; init; }

    public string? AmountColumn { get; init; }

    /// <summary>A .NET date format such as <c>d/M/yyyy</c>, where the dates alone cannot tell (every day ≤ 12).</summary>
    public string? DateFormat { get; init; }

    /// <summary>A column that says whether the shop was open that day (Rossmann's <c>Open</c>: 1 open, 0 closed).</summary>
    public string? OpenColumn { get; init; }

    /// <summary>A column that says whether the shop was closed that day (1 closed, 0 open).</summary>
    public string? ClosedColumn { get; init; }

    /// <summary>
    /// In a file with one column per series beside the date, the start of the names of the columns that are series
    /// (<c>QTY_</c> where <c>PROMO_</c> flags sit beside them); none: every column that holds only amounts.
    /// </summary>
    public string? SeriesColumns { get; init; }
}

/// <summary>The series read, and what the reader decided, so a figure can be reproduced and checked.</summary>
public sealed record DailySeriesCsvResult(IReadOnlyList<DailySeries> Series, string Separator, string DateFormat, bool DecimalComma, int Lines, int SummedDuplicates, int EmptyAmounts)
{
    /// <summary>Store-days the file's open or closed column says were closed: 0 with certainty.</summary>
    public int ClosedDays { get; init; }

    /// <summary>The columns read as one series each, in a file with one column per series beside the date (else empty).</summary>
    public IReadOnlyList<string> SeriesColumns { get; init; } = [];

    /// <summary>The columns of such a file left out: not named by the prefix, or holding something other than amounts.</summary>
    public IReadOnlyList<string> LeftOutColumns { get; init; } = [];

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"read {Lines:N0} lines: separator '{(Separator == "\t" ? "\\t" : Separator)}', dates {DateFormat}, decimal {(DecimalComma ? "comma" : "point")}, {SummedDuplicates:N0} duplicate store-days summed, {EmptyAmounts:N0} empty amounts read as missing, {ClosedDays:N0} store-days closed by the file")
        + (SeriesColumns.Count == 0 ? "" : $"; one series a column: {Names(SeriesColumns)}; left out: {(LeftOutColumns.Count == 0 ? "none" : Names(LeftOutColumns))}");

    private static string Names(IReadOnlyList<string> names) =>
        names.Count <= 10 ? string.Join(", ", names) : string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", names.Take(10))}, … ({names.Count} in all)");
}

/// <summary>
/// Daily series from a CSV file as people export them: <c>store,date,amount</c> or any header that
/// names them (store/shop/series/id…, date/day/datum/ds…, amount/sales/value/transactions…; other
/// columns ignored; no store column: one series), a comma, semicolon or tab between fields, a decimal
/// point or comma, dates as ISO or day/month/year in the one order every line agrees on, rows in any
/// order. A day not in the file, or with an empty amount, is missing — never 0. Two lines for one
/// store and day are summed (or refused, <see cref="CsvDuplicateDays.Refuse"/>). A column named as the
/// open (or closed) column marks closed days: closed is 0 with certainty, neither a feature nor a score
/// (<see cref="DailySeries.ClosedOn"/>), and a closed day with sales is refused. Anything else is
/// refused with its line number.
/// </summary>
public static class DailySeriesCsv
{
    private static readonly string[] StoreNames = ["store", "store_id", "storeid", "store_nbr", "shop", "butik", "series", "id", "item", "product", "article"];
    private static readonly string[] DateNames = ["date", "day", "datum", "dag", "ds", "sale_date", "saledate", "order_date"];
    private static readonly string[] AmountNames = ["amount", "sales", "sale", "value", "y", "transactions", "turnover", "revenue", "gross", "belopp", "omsättning", "quantity", "qty", "units", "count"];
    private static readonly string[] Missing = ["", "na", "n/a", "nan", "null", "-"];

    /// <summary>The orders tried, in turn; the first that reads every line's date is taken (one that another also reads is ambiguous).</summary>
    private static readonly string[] DateFormats = ["yyyy-M-d", "yyyy/M/d", "yyyyMMdd", "d.M.yyyy", "M/d/yyyy", "d/M/yyyy", "M-d-yyyy", "d-M-yyyy", "M/d/yy", "d/M/yy"];

    public static DailySeriesCsvResult Read(string path, DailySeriesCsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new DailySeriesCsvOptions();
        var text = File.ReadAllText(path, Encoding.UTF8);
        var separator = Separator(text);
        var records = Records(text, separator);
        if (records.Count == 0)
        {
            throw new FormatException($"{path}: no lines");
        }

        var (store, date, amount, header) = Columns(path, records[0].Fields, options);
        var (openness, closedWhenSet) = OpennessColumn(path, records[0].Fields, options);
        var rows = records.Skip(header ? 1 : 0).Where(r => !r.Fields.All(string.IsNullOrWhiteSpace)).ToList();
        var widest = amount < 0 ? records[0].Fields.Length - 1 : Math.Max(Math.Max(store ?? 0, openness ?? 0), Math.Max(date, amount));
        if (rows.FirstOrDefault(r => r.Fields.Length <= widest) is { } shortRow)
        {
            throw new FormatException($"{path} line {shortRow.Line}: {shortRow.Fields.Length} fields, too few for the columns: '{string.Join(separator, shortRow.Fields)}'");
        }

        var wide = WideColumns.None;
        if (amount < 0)
        {
            wide = WideColumns.Of(path, records[0].Fields, rows, date, openness, options.SeriesColumns);
            rows = wide.AsLongRows(rows, date, openness);
            (store, date, amount, openness) = (0, 1, 2, openness is null ? null : 3);
        }

        var format = options.DateFormat ?? DateFormatOf(path, rows.Select(r => DatePart(r.Fields[date])).Distinct(StringComparer.Ordinal).ToList());
        var decimalComma = DecimalCommaIn(rows.Select(r => r.Fields[amount]));
        var byStore = new Dictionary<string, Dictionary<DateOnly, (double Value, int Line)>>(StringComparer.Ordinal);
        var closed = new Dictionary<string, HashSet<DateOnly>>(StringComparer.Ordinal);
        int summed = 0, empty = 0;
        var fallbackName = Path.GetFileNameWithoutExtension(path);
        foreach (var r in rows)
        {
            if (!DateOnly.TryParseExact(DatePart(r.Fields[date]), format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                throw new FormatException($"{path} line {r.Line}: '{r.Fields[date]}' is not a date as {format}");
            }

            var raw = r.Fields[amount].Trim();
            if (openness is { } o && Flag(path, r, o) == closedWhenSet)
            {
                if (!Missing.Contains(raw.ToLowerInvariant()) && !(TryAmount(raw, decimalComma, out var sold) && sold == 0))
                {
                    throw new FormatException($"{path} line {r.Line}: the shop is closed that day by column '{records[0].Fields[o]}', yet sold '{raw}'");
                }

                var shop = store is { } st ? r.Fields[st].Trim() : fallbackName;
                if (!closed.TryGetValue(shop, out var shut))
                {
                    closed[shop] = shut = [];
                }

                shut.Add(day);
                raw = "0";
            }

            if (Missing.Contains(raw.ToLowerInvariant()))
            {
                empty++;
                continue;
            }

            if (!TryAmount(raw, decimalComma, out var value))
            {
                throw new FormatException($"{path} line {r.Line}: '{raw}' is not an amount");
            }

            var name = store is { } s ? r.Fields[s].Trim() : fallbackName;
            if (!byStore.TryGetValue(name, out var days))
            {
                byStore[name] = days = [];
            }

            if (days.TryGetValue(day, out var before))
            {
                if (options.Duplicates == CsvDuplicateDays.Refuse)
                {
                    throw new FormatException($"{path} line {r.Line}: {name} {day:yyyy-MM-dd} is also on line {before.Line}; sum them with --duplicates sum, or give one line per store and day");
                }

                summed++;
                days[day] = (before.Value + value, before.Line);
            }
            else
            {
                days[day] = (value, r.Line);
            }
        }

        var series = byStore.Where(s => s.Value.Count > 0).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
        {
            var start = s.Value.Keys.Min();
            var count = s.Value.Keys.Max().DayNumber - start.DayNumber + 1;
            var values = new DailySeries(s.Key, start, [.. Enumerable.Range(0, count).Select(i => s.Value.TryGetValue(start.AddDays(i), out var v) ? v.Value : double.NaN)]);
            return closed.TryGetValue(s.Key, out var shut) ? values with { ClosedOn = shut.Contains } : values;
        }).ToList();
        return new DailySeriesCsvResult(series, separator, format, decimalComma, records.Count, summed, empty)
        {
            ClosedDays = closed.Values.Sum(c => c.Count),
            SeriesColumns = wide.Series.Select(c => c.Name).ToList(),
            LeftOutColumns = wide.LeftOut,
        };
    }

    /// <summary>A decimal comma: some amount has a comma and no point (with comma-separated fields, such an amount is quoted).</summary>
    private static bool DecimalCommaIn(IEnumerable<string> amounts) =>
        amounts.Any(a => a.Contains(',', StringComparison.Ordinal) && !a.Contains('.', StringComparison.Ordinal));

    /// <summary>The separator of the first line: a semicolon or tab where there is one (then a comma is a decimal comma), else a comma.</summary>
    private static string Separator(string text)
    {
        var first = text.Split('\n', 2)[0];
        var unquoted = new StringBuilder();
        var quoted = false;
        foreach (var c in first)
        {
            quoted ^= c == '"';
            if (!quoted)
            {
                unquoted.Append(c);
            }
        }

        var line = unquoted.ToString();
        return line.Contains(';', StringComparison.Ordinal) ? ";" : line.Contains('\t', StringComparison.Ordinal) ? "\t" : ",";
    }

    private sealed record Record(int Line, string[] Fields);

    /// <summary>
    /// A file with the date and one column per series: which columns are series. Read as the long form's lines
    /// (series, date, amount[, open flag]) with their own line numbers, so every rule after it is the long form's.
    /// </summary>
    private sealed record WideColumns(IReadOnlyList<(int At, string Name)> Series, IReadOnlyList<string> LeftOut)
    {
        public static readonly WideColumns None = new([], []);

        public static WideColumns Of(string path, string[] header, List<Record> rows, int date, int? openness, string? prefix)
        {
            var others = Enumerable.Range(0, header.Length).Where(i => i != date && i != openness)
                .Select(i => (At: i, Name: header[i].Trim().Trim('\uFEFF'))).ToList();
            var named = prefix is null ? others : [.. others.Where(c => c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))];
            var values = named.ToDictionary(c => c.At, c => rows.Select(r => r.Fields[c.At].Trim()).Where(v => !Missing.Contains(v.ToLowerInvariant())).ToList());
            var decimalComma = DecimalCommaIn(values.Values.SelectMany(v => v));
            bool AllAmounts(int at) => values[at].All(v => TryAmount(v, decimalComma, out _));
            if (prefix is not null)
            {
                foreach (var c in named.Where(c => !AllAmounts(c.At)))
                {
                    var bad = rows.First(r => !Missing.Contains(r.Fields[c.At].Trim().ToLowerInvariant()) && !TryAmount(r.Fields[c.At].Trim(), decimalComma, out _));
                    throw new FormatException($"{path} line {bad.Line}: '{bad.Fields[c.At]}' in column '{c.Name}' is not an amount");
                }
            }

            var series = named.Where(c => AllAmounts(c.At)).ToList();
            return series.Count > 0
                ? new WideColumns(series, [.. others.Except(series).Select(c => c.Name)])
                : throw new FormatException(prefix is null
                    ? $"{path}: no amount column in the header '{string.Join(", ", header)}' (known: {string.Join(", ", AmountNames)}), and no column beside the date holds only amounts; name it with --amount-column"
                    : $"{path}: no column starting with '{prefix}' in the header '{string.Join(", ", header)}'");
        }

        public List<Record> AsLongRows(List<Record> rows, int date, int? openness) =>
            [.. rows.SelectMany(r => Series.Select(c => new Record(r.Line,
                openness is { } o ? [c.Name, r.Fields[date], r.Fields[c.At], r.Fields[o]] : [c.Name, r.Fields[date], r.Fields[c.At]])))];
    }

    private static List<Record> Records(string text, string separator)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = separator, HasHeaderRecord = false, BadDataFound = null, TrimOptions = TrimOptions.Trim };
        using var reader = new StringReader(text);
        using var parser = new CsvParser(reader, configuration);
        var records = new List<Record>();
        while (parser.Read())
        {
            records.Add(new Record(parser.Row, parser.Record ?? []));
        }

        return records;
    }

    /// <summary>The store, date and amount columns, and whether the first line is a header.</summary>
    private static (int? Store, int Date, int Amount, bool Header) Columns(string path, string[] first, DailySeriesCsvOptions options)
    {
        var names = first.Select(f => f.Trim().Trim('\uFEFF').ToLowerInvariant()).ToArray();
        var looksLikeData = first.Length >= 2 && DateFormats.Any(f => DateOnly.TryParseExact(DatePart(first[first.Length == 2 ? 0 : 1]), f, CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        if (looksLikeData && options.StoreColumn is null && options.DateColumn is null && options.AmountColumn is null)
        {
            return first.Length == 2 ? (null, 0, 1, false) : (0, 1, 2, false);
        }

        int Find(string? given, string[] usual, string what)
        {
            if (given is not null)
            {
                var at = Array.IndexOf(names, given.ToLowerInvariant());
                return at >= 0 ? at : throw new FormatException($"{path}: no column '{given}' in the header '{string.Join(", ", first)}'");
            }

            var found = usual.Select(u => Array.IndexOf(names, u)).FirstOrDefault(i => i >= 0, -1);
            return found >= 0 || what == "store" ? found
                : throw new FormatException($"{path}: no {what} column in the header '{string.Join(", ", first)}' (known: {string.Join(", ", usual)}); name it with --{what}-column");
        }

        var date = Find(options.DateColumn, DateNames, "date");
        var store = Find(options.StoreColumn, StoreNames, "store");
        // No store and no amount column by name (or a prefix of series columns given): one series a column beside the date.
        var wide = options.AmountColumn is null && store < 0 && (options.SeriesColumns is not null || AmountNames.All(u => Array.IndexOf(names, u) < 0));
        var amount = wide ? -1 : Find(options.AmountColumn, AmountNames, "amount");
        return (store >= 0 ? store : null, date, amount, true);
    }

    private static readonly string[] Yes = ["1", "true", "yes", "y", "ja", "j"];
    private static readonly string[] No = ["0", "false", "no", "n", "nej"];

    /// <summary>The open or closed column, if one is named, and the value of it that means closed.</summary>
    private static (int? Column, bool ClosedWhen) OpennessColumn(string path, string[] first, DailySeriesCsvOptions options)
    {
        if (options.OpenColumn is not null && options.ClosedColumn is not null)
        {
            throw new FormatException($"{path}: name an open column or a closed column, not both");
        }

        var name = options.OpenColumn ?? options.ClosedColumn;
        if (name is null)
        {
            return (null, false);
        }

        var at = Array.FindIndex(first, f => string.Equals(f.Trim().Trim('\uFEFF'), name, StringComparison.OrdinalIgnoreCase));
        return at >= 0 ? (at, options.ClosedColumn is not null)
            : throw new FormatException($"{path}: no column '{name}' in the header '{string.Join(", ", first)}'");
    }

    /// <summary>A yes/no field (1/0, true/false, yes/no, ja/nej); anything else is refused with its line.</summary>
    private static bool Flag(string path, Record r, int column)
    {
        var v = r.Fields[column].Trim().ToLowerInvariant();
        if (Yes.Contains(v))
        {
            return true;
        }

        return No.Contains(v) ? false : throw new FormatException($"{path} line {r.Line}: '{r.Fields[column]}' is neither yes (1) nor no (0)");
    }

    /// <summary>The date without a time of day ("2014-01-02 00:00:00", "2014-01-02T00:00").</summary>
    private static string DatePart(string field) => field.Trim().Split(' ', 'T')[0];

    private static string DateFormatOf(string path, List<string> dates)
    {
        var reading = DateFormats.Where(f => dates.All(d => DateOnly.TryParseExact(d, f, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))).ToList();
        if (reading.Count == 0)
        {
            throw new FormatException($"{path}: the dates (e.g. '{dates.FirstOrDefault()}') are not in one known order ({string.Join(", ", DateFormats)}); give it with --date-format");
        }

        // d/M and M/d both read every line when no day is above 12: then the file cannot tell.
        DateOnly As(string d, string f) => DateOnly.ParseExact(d, f, CultureInfo.InvariantCulture);
        var disagreeing = reading.Skip(1).FirstOrDefault(f => dates.Any(d => As(d, f) != As(d, reading[0])));
        return disagreeing is null ? reading[0]
            : throw new FormatException($"{path}: the dates read as both {reading[0]} and {disagreeing}; give the order with --date-format");
    }

    /// <summary>An amount with a decimal point or comma, thousands separated by spaces or the other mark, a currency sign around it.</summary>
    private static bool TryAmount(string raw, bool decimalComma, out double value)
    {
        // An exponent's e is kept only where it is the one letter ("1.2e3"; "12 SEK" loses its letters).
        var exponent = raw.Count(char.IsLetter) == 1 && raw.Any(c => c is 'e' or 'E');
        var kept = new string([.. raw.Where(c => char.IsAsciiDigit(c) || c is '.' or ',' or '-' or '+' || (exponent && c is 'e' or 'E'))]);
        if (kept.Contains('.', StringComparison.Ordinal) && kept.Contains(',', StringComparison.Ordinal))
        {
            // Both marks: the last is the decimal one.
            kept = kept.LastIndexOf(',') > kept.LastIndexOf('.') ? kept.Replace(".", "", StringComparison.Ordinal).Replace(',', '.') : kept.Replace(",", "", StringComparison.Ordinal);
        }
        else if (decimalComma)
        {
            kept = kept.Replace(',', '.');
        }

        return double.TryParse(kept, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && kept.Any(char.IsAsciiDigit);
    }
}
