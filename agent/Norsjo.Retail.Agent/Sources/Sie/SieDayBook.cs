using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Norsjo.Retail.Agent.Sources.Files;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>What a file's vouchers give: the days to send, what keeps the rest back, and why the whole file is refused (or null).</summary>
internal sealed record SieJudgement(
    IReadOnlyList<DailyTotal> Days, IReadOnlyList<LineError> Errors, IReadOnlyCollection<SieVoucher> HeldBack, int Vouchers, string? FileError);

/// <summary>
/// Judges a read SIE file against the shop's account mapping, so that what is sent is the shop's
/// till sales or nothing, with a word why:
/// <list type="number">
/// <item>a whole bookkeeping export (balances, invoices, salaries, costs) is refused with what to
/// export instead, unless Agent:Sie:AcceptBookkeeping, when only its Z-report vouchers count;</item>
/// <item>accounts in 30xx–37xx, 26xx and 19xx that the mapping does not cover refuse the file,
/// listed, with the profile that would cover them;</item>
/// <item>every day: payments against sales (± rounding accounts), VAT against rate × net per rate,
/// and no negative sales — a day that fails, or has a faulty voucher, is held back whole;</item>
/// <item>a day sent lists every rate and payment method of the mapping, zero or not, so a newer
/// file replaces the day whole.</item>
/// </list>
/// </summary>
internal static partial class SieDayBook
{
    /// <summary>More accounts of one voucher whose rate follows from VAT than this are not tried (3^10 fits).</summary>
    private const int MostAccountsByVat = 10;

    public static SieJudgement Judge(SieDocument document, SieMapping mapping)
    {
        var settings = mapping.Settings;
        var vouchers = document.Vouchers;
        var foreign = vouchers
            .SelectMany(v => v.Rows.Select(r => (Voucher: v, Kind: BookkeepingKind(r.Account))))
            .Where(x => x.Kind is not null)
            .ToList();
        if ((document.Balances > 0 || foreign.Count > 0) && !settings.AcceptBookkeeping)
        {
            return Refused(BookkeepingExplanation(document, foreign));
        }

        var considered = vouchers;
        if (settings.AcceptBookkeeping || !string.IsNullOrWhiteSpace(settings.ZReportSeries))
        {
            considered = vouchers.Where(v => IsZReportShape(v, mapping)).ToList();
            // Where the till names its Z-reports in the voucher text, the text decides.
            if (considered.Any(v => ZReportText().IsMatch(v.Text)))
            {
                considered = considered.Where(v => ZReportText().IsMatch(v.Text)).ToList();
            }

            if (considered.Count == 0)
            {
                return Refused("Filen har inga verifikationer som ser ut som kassans Z-rapporter (rader på försäljnings- och momskonton"
                    + (string.IsNullOrWhiteSpace(settings.ZReportSeries) ? string.Empty : $" i serie {settings.ZReportSeries}")
                    + "). Inget ur filen har räknats.");
            }
        }

        if (Uncovered(document, considered, mapping) is { } uncovered)
        {
            return Refused(uncovered);
        }

        if (considered.Count > 0 && !considered.SelectMany(v => v.Rows).Any(r => mapping.Sales.ContainsKey(r.Account) || mapping.Vat.ContainsKey(r.Account)))
        {
            return Refused($"Filen har inga rader på kontoprofilens (\"{mapping.Profile}\") försäljnings- eller momskonton, så den säger ingenting om butikens försäljning. Inget ur filen har räknats.");
        }

        var errors = new List<LineError>();
        var held = new List<SieVoucher>();
        var days = new List<DailyTotal>();
        foreach (var voucher in considered.Where(v => v.Date is null))
        {
            errors.AddRange(voucher.Problems);
            held.Add(voucher);
        }

        foreach (var day in considered.Where(v => v.Date is not null).GroupBy(v => v.Date!.Value).OrderBy(g => g.Key))
        {
            var faulty = day.Where(v => v.Problems.Count > 0).ToList();
            if (faulty.Count > 0)
            {
                errors.AddRange(faulty.SelectMany(v => v.Problems));
                held.AddRange(day);
                continue;
            }

            var totals = new DaySums();
            foreach (var voucher in day)
            {
                totals.Add(voucher, mapping);
            }

            var problems = totals.Check(mapping, document);
            if (problems.Count > 0)
            {
                var first = day.First();
                errors.Add(new LineError(first.Line,
                    $"Dagen {day.Key:yyyy-MM-dd} hålls tillbaka och skickas inte: {string.Join(" ", problems)} Rätta dagens verifikationer (de finns i filen med \".felrader\" i namnet) eller kontoprofilen, och lägg filen i mappen igen.",
                    first.Raw));
                held.AddRange(day);
                continue;
            }

            days.Add(totals.ToDailyTotal(day.Key, mapping));
        }

        var counted = considered.Count(v => v.Problems.Count == 0);
        return new SieJudgement(days, errors, held, counted, null);
    }

    private static SieJudgement Refused(string why) => new([], [], [], 0, why);

    /// <summary>A Z-report's shape: in the configured series, no row on a bookkeeping account, and some row on sales or VAT.</summary>
    private static bool IsZReportShape(SieVoucher voucher, SieMapping mapping)
    {
        var series = mapping.Settings.ZReportSeries;
        return (string.IsNullOrWhiteSpace(series) || string.Equals(voucher.Series, series.Trim(), StringComparison.OrdinalIgnoreCase))
            && voucher.Rows.All(r => BookkeepingKind(r.Account) is null)
            && voucher.Rows.Any(r => mapping.Sales.ContainsKey(r.Account) || mapping.Vat.ContainsKey(r.Account) || IsSalesOrVatRange(r.Account));
    }

    [GeneratedRegex(@"\b(z-?rapport|z-?rap|dagskassa|dagsavslut|dagsrapport|kassarapport|kassaavslut)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ZReportText();

    private static int? Number(string account) =>
        int.TryParse(account, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static bool IsSalesOrVatRange(string account) => Number(account) is >= 3000 and <= 3799 or >= 2600 and <= 2699;

    /// <summary>The account ranges every file is checked for: sales and their corrections, VAT, cash and bank.</summary>
    private static bool IsChecked(string account) => Number(account) is >= 3000 and <= 3799 or >= 2600 and <= 2699 or >= 1900 and <= 1999;

    /// <summary>Accounts a till's day never touches but a company's bookkeeping does.</summary>
    private static string? BookkeepingKind(string account) => Number(account) switch
    {
        >= 2000 and <= 2099 => "eget kapital (20xx)",
        >= 1500 and <= 1579 or >= 1581 and <= 1599 => "kundfordringar och kundfakturor (t.ex. 1510)",
        >= 2400 and <= 2419 or >= 2430 and <= 2499 => "leverantörsskulder (24xx)",
        >= 2700 and <= 2799 => "personalens skatter och avgifter (27xx)",
        >= 4000 and <= 7999 => "inköp, kostnader och löner (4xxx–7xxx)",
        >= 8000 and <= 8999 => "finansiella poster och skatt (8xxx)",
        _ => null,
    };

    private static string BookkeepingExplanation(SieDocument document, List<(SieVoucher Voucher, string? Kind)> foreign)
    {
        var text = new StringBuilder("Filen ser ut som en hel bokföring, inte som kassans dagsavslut:");
        if (document.Balances > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" den har {document.Balances} saldon (ingående och utgående balanser eller resultat, #IB/#UB/#RES/#PSALDO);");
        }

        foreach (var kind in foreign.GroupBy(x => x.Kind!).OrderByDescending(g => g.Select(x => x.Voucher).Distinct().Count()))
        {
            var example = kind.First().Voucher;
            text.Append(CultureInfo.InvariantCulture,
                $" {kind.Select(x => x.Voucher).Distinct().Count()} verifikationer på {kind.Key} (t.ex. verifikation {example.Name} på rad {example.Line});");
        }

        var dated = document.Vouchers.Where(v => v.Date is not null).Select(v => v.Date!.Value).ToList();
        if (dated.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" {document.Vouchers.Count} verifikationer från {dated.Min():yyyy-MM-dd} till {dated.Max():yyyy-MM-dd}.");
        }

        return text
            .Append(" Agenten räknar bara butikens kassaförsäljning, så inget ur filen har räknats.")
            .Append(" Exportera i stället kassans Z-rapporter (dagsavslut) som SIE-fil från kassasystemet, en verifikation per Z-rapport eller dag")
            .Append(" (i ES Kassasystem: Bokföring → Rapporter → \"Transaktioner per z-rapport och konto\").")
            .Append(" Ska agenten ändå läsa hela bokföringen och bara räkna de verifikationer som ser ut som kassans dagsavslut:")
            .Append(" sätt Agent:Sie:AcceptBookkeeping=true, och gärna Agent:Sie:ZReportSeries till kassans verifikationsserie.")
            .ToString();
    }

    private static string? Uncovered(SieDocument document, List<SieVoucher> considered, SieMapping mapping)
    {
        var rows = considered.SelectMany(v => v.Rows).ToList();
        var uncovered = rows.Where(r => IsChecked(r.Account) && !mapping.Covers(r.Account)).GroupBy(r => r.Account).OrderBy(g => g.Key).ToList();
        if (uncovered.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"Filen stämmer inte med kontoprofilen \"{mapping.Profile}\": {uncovered.Count} konton för försäljning, moms eller betalningar används i filen men finns inte i profilen, så försäljningen skulle bli fel. Inget ur filen har räknats.");
        foreach (var account in uncovered)
        {
            var sum = account.Sum(r => r.Ore);
            text.Append(CultureInfo.InvariantCulture,
                $" Konto {document.Describe(account.Key)}: {SwedishValues.Kronor(Math.Abs(sum))} {(sum < 0 ? "kredit" : "debet")} i {account.Count()} rader (första på rad {account.First().Line}).");
        }

        var used = rows.Select(r => r.Account).Where(IsChecked).Distinct().ToList();
        var fits = SieProfiles.Covering(used, mapping.Profile).ToList();
        text.Append(fits.Count > 0
            ? $" Profilen \"{fits[0]}\" täcker alla filens konton: sätt Agent:Sie:Profile={fits[0]} och lägg filen i mappen igen."
            : " Ange vad kontona betyder (t.ex. Agent:Sie:Sales:3210=25, Agent:Sie:Vat:2610=25, Agent:Sie:Payments:1932=card; se agent/README.md) och lägg filen i mappen igen.");
        return text.ToString();
    }

    /// <summary>One day's sums, built voucher by voucher.</summary>
    private sealed class DaySums
    {
        private readonly Dictionary<int, long> _net = [];
        private readonly Dictionary<int, long> _vat = [];
        private readonly Dictionary<int, SortedSet<string>> _rateAccounts = [];
        private readonly Dictionary<PaymentMethod, long> _paid = [];
        private readonly SortedSet<string> _paymentAccounts = [];
        private readonly SortedSet<string> _salesAccounts = [];
        private readonly Dictionary<string, long> _other = [];
        private long _adjustments;

        public void Add(SieVoucher voucher, SieMapping mapping)
        {
            var byVat = new Dictionary<string, long>();
            var net = new Dictionary<int, long>();
            var vat = new Dictionary<int, long>();
            foreach (var row in voucher.Rows)
            {
                // Sales and VAT are credits (negative in SIE); money in is a debit (positive).
                if (mapping.Sales.TryGetValue(row.Account, out var rate))
                {
                    _salesAccounts.Add(row.Account);
                    if (rate == SieMapping.RateByVat)
                    {
                        byVat[row.Account] = byVat.GetValueOrDefault(row.Account) - row.Ore;
                    }
                    else
                    {
                        net[rate] = net.GetValueOrDefault(rate) - row.Ore;
                        Account(rate, row.Account);
                    }
                }
                else if (mapping.Vat.TryGetValue(row.Account, out var vatRate))
                {
                    vat[vatRate] = vat.GetValueOrDefault(vatRate) - row.Ore;
                    Account(vatRate, row.Account);
                }
                else if (mapping.Payments.TryGetValue(row.Account, out var method))
                {
                    _paid[method] = _paid.GetValueOrDefault(method) + row.Ore;
                    _paymentAccounts.Add(row.Account);
                }
                else if (mapping.Adjustments.Contains(row.Account))
                {
                    _adjustments += row.Ore;
                }
                else
                {
                    _other[row.Account] = _other.GetValueOrDefault(row.Account) + row.Ore;
                }
            }

            foreach (var (account, rate) in RatesFromVat(byVat, net, vat))
            {
                net[rate] = net.GetValueOrDefault(rate) + byVat[account];
                Account(rate, account);
            }

            foreach (var (rate, amount) in net)
            {
                _net[rate] = _net.GetValueOrDefault(rate) + amount;
            }

            foreach (var (rate, amount) in vat)
            {
                _vat[rate] = _vat.GetValueOrDefault(rate) + amount;
            }
        }

        private void Account(int rate, string account)
        {
            if (!_rateAccounts.TryGetValue(rate, out var accounts))
            {
                _rateAccounts[rate] = accounts = [];
            }

            accounts.Add(account);
        }

        /// <summary>
        /// The rate of each sales account whose rate follows from VAT: the assignment to the
        /// voucher's VAT rates under which VAT comes closest to rate × net (no VAT in the voucher:
        /// 0 %). A category account carries one rate, so one voucher is enough to tell.
        /// </summary>
        private static IEnumerable<(string Account, int Rate)> RatesFromVat(
            Dictionary<string, long> byVat, Dictionary<int, long> net, Dictionary<int, long> vat)
        {
            if (byVat.Count == 0)
            {
                return [];
            }

            var rates = vat.Where(v => v.Value != 0).Select(v => v.Key).Order().ToArray();
            var accounts = byVat.Keys.Order(StringComparer.Ordinal).ToArray();
            if (rates.Length == 0)
            {
                return accounts.Select(a => (a, 0));
            }

            if (rates.Length == 1 || accounts.Length > MostAccountsByVat)
            {
                // One rate: every account has it. Too many accounts to try: the largest rate of VAT
                // takes them, and the day's VAT check says whether that was right.
                var rate = rates.Length == 1 ? rates[0] : vat.MaxBy(v => v.Value).Key;
                return accounts.Select(a => (a, rate));
            }

            var choice = new int[accounts.Length];
            int[]? best = null;
            var bestCost = long.MaxValue;
            var combinations = (int)Math.Pow(rates.Length, accounts.Length);
            for (var n = 0; n < combinations; n++)
            {
                var rest = n;
                for (var a = 0; a < accounts.Length; a++)
                {
                    choice[a] = rest % rates.Length;
                    rest /= rates.Length;
                }

                long cost = 0;
                foreach (var rate in rates.Union(net.Keys))
                {
                    var rateNet = net.GetValueOrDefault(rate);
                    for (var a = 0; a < accounts.Length; a++)
                    {
                        rateNet += rates[choice[a]] == rate ? byVat[accounts[a]] : 0;
                    }

                    cost += Math.Abs(vat.GetValueOrDefault(rate) - Expected(rateNet, rate));
                }

                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = (int[])choice.Clone();
                }
            }

            return accounts.Select((a, i) => (a, rates[best![i]]));
        }

        private static long Expected(long net, int rate) => (long)Math.Round(net * rate / 100m, MidpointRounding.AwayFromZero);

        public List<string> Check(SieMapping mapping, SieDocument document)
        {
            var settings = mapping.Settings;
            var problems = new List<string>();
            var gross = _net.Values.Sum() + _vat.Values.Sum();
            var paid = _paid.Values.Sum();
            // A balanced day: payments = sales − rounding − whatever else was booked.
            var difference = paid - (gross - _adjustments);
            if (Math.Abs(difference) > settings.PaymentsToleranceOre)
            {
                var others = _other.Count == 0
                    ? string.Empty
                    : $" Skillnaden ligger på konton som inte är försäljning, moms eller betalning i profilen: {string.Join(", ", _other.Select(o => $"{document.Describe(o.Key)} {SwedishValues.Kronor(o.Value)}"))}.";
                problems.Add(
                    $"betalningarna ({SwedishValues.Kronor(paid)} på {Accounts(_paymentAccounts)}) stämmer inte med försäljningen ({SwedishValues.Kronor(gross)} på {Accounts(_salesAccounts)} med moms)"
                    + $": skillnaden är {SwedishValues.Kronor(Math.Abs(difference))} (tillåtet {SwedishValues.Kronor(settings.PaymentsToleranceOre)}).{others}");
            }

            foreach (var rate in _net.Keys.Union(_vat.Keys).Order())
            {
                var net = _net.GetValueOrDefault(rate);
                var vat = _vat.GetValueOrDefault(rate);
                var expected = Expected(net, rate);
                var tolerance = settings.VatToleranceOre + (Math.Abs(expected) / 1000);
                if (Math.Abs(vat - expected) > tolerance)
                {
                    problems.Add(
                        $"momsen {rate} % ({SwedishValues.Kronor(vat)}) är inte {rate} % av nettot {SwedishValues.Kronor(net)} ({SwedishValues.Kronor(expected)}) på {Accounts(_rateAccounts.GetValueOrDefault(rate) ?? [])}"
                        + $": skillnaden är {SwedishValues.Kronor(Math.Abs(vat - expected))} (tillåtet {SwedishValues.Kronor(tolerance)}).");
                }
            }

            if (gross < 0)
            {
                problems.Add($"dagens försäljning är negativ ({SwedishValues.Kronor(gross)} på {Accounts(_salesAccounts)}): fler returer än försäljning, eller försäljningen bokförd som debet.");
            }

            return problems;
        }

        private static string Accounts(IEnumerable<string> accounts) =>
            accounts.Any() ? "konto " + string.Join(", ", accounts) : "inga konton";

        public DailyTotal ToDailyTotal(DateOnly date, SieMapping mapping)
        {
            var total = new DailyTotal
            {
                Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
                Source = DailySource.Sie4,
            };
            // Every rate and method of the mapping, zero or not: a newer file for the day replaces it whole.
            foreach (var rate in mapping.Rates.Union(_net.Keys).Union(_vat.Keys).Distinct().Order())
            {
                var net = _net.GetValueOrDefault(rate);
                var vat = _vat.GetValueOrDefault(rate);
                total.Sales.Add(new DailySales { Category = string.Empty, VatRateBasisPoints = rate * 100, GrossOre = net + vat, VatOre = vat });
            }

            foreach (var method in mapping.Methods.Union(_paid.Keys).Distinct().Order())
            {
                total.Payments.Add(new Payment { Method = method, AmountOre = _paid.GetValueOrDefault(method) });
            }

            return total;
        }
    }
}
