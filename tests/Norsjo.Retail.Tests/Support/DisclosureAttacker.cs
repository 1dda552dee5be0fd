using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// What was sold, per store and day, as the tests sent it through the hub: the truth an attacker's
/// derived figures are compared with. Measures: "turnover:total|dagligvaror|sallankop",
/// "deliveries:{locality}" and "orders:{locality}" (order value, kr; locality "*" is every
/// locality), "cash" and "payments" (kr), "services:{kind}" (transactions of a service kind, e.g.
/// "services:kontantuttag") and "services:kontantuttag:kr" (cash paid out, kr).
/// </summary>
public sealed class KnownFigures
{
    private readonly Dictionary<(string Store, string Measure), Dictionary<DateOnly, decimal>> _days = [];
    private readonly Dictionary<(string Store, string Measure), decimal[]> _prefix = [];
    private DateOnly _first = DateOnly.MaxValue;
    private DateOnly _last = DateOnly.MinValue;

    public IEnumerable<string> Stores => _days.Keys.Select(k => k.Store).Distinct().Order(StringComparer.Ordinal);

    /// <summary>What was sold so far, frozen: later sales (a late upload) do not change the copy.</summary>
    public KnownFigures Copy()
    {
        var copy = new KnownFigures { _first = _first, _last = _last };
        foreach (var (key, days) in _days)
        {
            copy._days[key] = new Dictionary<DateOnly, decimal>(days);
        }

        return copy;
    }

    public void Add(string store, string measure, DateOnly day, decimal value)
    {
        var key = (store, measure);
        if (!_days.TryGetValue(key, out var days))
        {
            _days[key] = days = [];
        }

        days[day] = days.GetValueOrDefault(day) + value;
        _first = day < _first ? day : _first;
        _last = day > _last ? day : _last;
        _prefix.Clear();
    }

    public void Sale(string store, DateOnly day, decimal dagligvarorKr, decimal sallankopKr)
    {
        Add(store, "turnover:dagligvaror", day, dagligvarorKr);
        Add(store, "turnover:sallankop", day, sallankopKr);
        Add(store, "turnover:total", day, dagligvarorKr + sallankopKr);
    }

    public void Delivery(string store, DateOnly day, string locality, decimal orderKr)
    {
        foreach (var place in new[] { locality, "*" })
        {
            Add(store, "deliveries:" + place, day, 1);
            Add(store, "orders:" + place, day, orderKr);
        }
    }

    /// <summary>A day's count of one service kind as the agent sends it (the whole day; a later copy replaces it), and for kontantuttag the kronor paid out.</summary>
    public void Service(string store, DateOnly day, string kind, long transactions, decimal kr = 0)
    {
        Add(store, "services:" + kind, day, transactions - Sum(store, "services:" + kind, day, day));
        if (kr != 0 || Sum(store, $"services:{kind}:kr", day, day) != 0)
        {
            Add(store, $"services:{kind}:kr", day, kr - Sum(store, $"services:{kind}:kr", day, day));
        }
    }

    /// <summary>The store's figure from <paramref name="from"/> to <paramref name="to"/>, inclusive; 0 outside what was sold.</summary>
    public decimal Sum(string store, string measure, DateOnly from, DateOnly to)
    {
        if (!_days.ContainsKey((store, measure)) || to < _first || from > _last || from > to)
        {
            return 0;
        }

        if (!_prefix.TryGetValue((store, measure), out var prefix))
        {
            var days = _days[(store, measure)];
            prefix = new decimal[_last.DayNumber - _first.DayNumber + 2];
            for (var i = 0; i < prefix.Length - 1; i++)
            {
                prefix[i + 1] = prefix[i] + days.GetValueOrDefault(_first.AddDays(i));
            }

            _prefix[(store, measure)] = prefix;
        }

        var a = Math.Max(from.DayNumber, _first.DayNumber) - _first.DayNumber;
        var b = Math.Min(to.DayNumber, _last.DayNumber) - _first.DayNumber;
        return prefix[b + 1] - prefix[a];
    }
}

/// <summary>One published number: what it measures, over which days, and where it came from; <see cref="Estimate"/> for numbers that are public by nature (estimates, consenting stores).</summary>
/// <summary><see cref="Round"/>: which gathering it came from (each with what had been sold by then).</summary>
public sealed record Observation(string Measure, DateOnly From, DateOnly To, decimal Value, string Source, bool Estimate = false, int Round = 0);

/// <summary>A non-consenting store's figure (or two stores' together) that published numbers gave away.</summary>
public sealed record Leak(string How, string Stores, decimal Derived, decimal Actual)
{
    public override string ToString() => $"{How} = {Derived.ToString(CultureInfo.InvariantCulture)} ≈ {Stores}: {Actual.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A script against the municipality's API, as an outside tester would write it: it asks every
/// municipal endpoint for every period it can name (single months, rolling windows, years, day
/// ranges that differ by a day), then tries what subtraction gives — each number on its own, two
/// numbers of the same measure for different periods (a − b), and, for one period, a total minus
/// any set of the other numbers published for it (villages, estimates, consenting stores,
/// categories) — and compares every result with each non-consenting store's own figure for the
/// same days and with any two such stores' figures together: a leak is a result equal to one
/// (up to rounding), or a single published number less than p % above one store's figure (that
/// store dominates it). Refused requests (400) teach it nothing.
/// It may gather more than once (<see cref="GatherAsync"/> again after a late upload, a registry
/// change, a consent given or revoked): each gathering is a round, compared with what had been
/// sold by then, and a number of one round minus the same number of another is one more
/// difference it tries — old publications against new.
/// </summary>
public sealed class DisclosureAttacker(HttpClient municipality, KnownFigures truth, decimal pPercent = 10m)
{
    private const int MaxTermsPerPeriod = 12;
    private readonly List<Observation> _observations = [];
    private readonly List<(string Source, string Month, decimal Share)> _cashShares = [];
    private readonly List<KnownFigures> _rounds = [];
    private HttpClient _municipality = municipality;

    public IReadOnlyList<Observation> Observations => _observations;

    public int Requests { get; private set; }

    /// <summary>Goes on asking through <paramref name="next"/> (a hub restarted, a new session), keeping what it has seen.</summary>
    public DisclosureAttacker With(HttpClient next)
    {
        _municipality = next;
        return this;
    }

    /// <summary>Asks everything about the months from <paramref name="firstMonth"/> to <paramref name="lastMonth"/>, and day ranges in the delivery months.</summary>
    public async Task GatherAsync(DateOnly firstMonth, DateOnly lastMonth, IReadOnlyList<DateOnly> deliveryMonths)
    {
        ArgumentNullException.ThrowIfNull(deliveryMonths);
        _rounds.Add(truth.Copy());
        var months = new List<DateOnly>();
        for (var m = firstMonth; m <= lastMonth; m = m.AddMonths(1))
        {
            months.Add(m);
        }

        foreach (var end in months)
        {
            await IndexPeriodsAsync($"/api/municipality/index/rolling?from={end:yyyy-MM}&to={end:yyyy-MM}");
            await VillagesAsync($"/api/municipality/villages?from={end:yyyy-MM}&to={end:yyyy-MM}");
            await VillagesAsync($"/api/municipality/villages?from={end.AddMonths(-11):yyyy-MM}&to={end:yyyy-MM}");
            await CashAsync($"/api/municipality/cash-share?from={end:yyyy-MM}&to={end:yyyy-MM}");
            await CashAsync($"/api/municipality/cash-share?from={end:yyyy-MM-dd}&to={end.AddMonths(1).AddDays(-1):yyyy-MM-dd}");
            await CashHandlingAsync($"/api/municipality/cash-handling?from={end:yyyy-MM}&to={end:yyyy-MM}");
        }

        await CashHandlingAsync($"/api/municipality/cash-handling?from={firstMonth:yyyy-MM}&to={lastMonth:yyyy-MM}");

        await IndexPeriodsAsync($"/api/municipality/index/rolling?from={firstMonth:yyyy-MM}&to={lastMonth:yyyy-MM}");
        await VillagesAsync($"/api/municipality/villages?from={firstMonth:yyyy-MM}&to={lastMonth:yyyy-MM}");
        for (var year = firstMonth.Year; year <= lastMonth.Year; year++)
        {
            await IndexPeriodsAsync($"/api/municipality/index/years/{year}");
        }

        foreach (var month in deliveryMonths)
        {
            var end = month.AddMonths(1).AddDays(-1);
            await DeliveriesAsync($"/api/municipality/deliveries?month={month:yyyy-MM}", month, end);
            for (var day = month; day <= end; day = day.AddDays(1))
            {
                await DeliveriesAsync($"/api/municipality/deliveries?from={month:yyyy-MM-dd}&to={day:yyyy-MM-dd}", month, day);
                await DeliveriesAsync($"/api/municipality/deliveries?from={day:yyyy-MM-dd}&to={end:yyyy-MM-dd}", day, end);
            }
        }
    }

    /// <summary>Every way found to a figure of one of <paramref name="protectedStores"/> (or two of them).</summary>
    public IReadOnlyList<Leak> Leaks(IReadOnlyCollection<string> protectedStores)
    {
        ArgumentNullException.ThrowIfNull(protectedStores);
        var leaks = new List<Leak>();
        var targets = protectedStores.Select(s => new[] { s })
            .Concat(protectedStores.SelectMany((a, i) => protectedStores.Skip(i + 1).Select(b => new[] { a, b })))
            .ToList();
        var observations = _observations.DistinctBy(o => (o.Measure, o.From, o.To, o.Value, o.Estimate, o.Round)).ToList();

        decimal Figure(string[] stores, string measure, DateOnly from, DateOnly to, int round) => stores.Sum(s => Truth(round).Sum(s, measure, from, to));

        // Exactly: up to the rounding of each term (turnover is published in whole kronor). Within p %:
        // a single published number at or above one store's figure by less than p % of it (that store dominates it).
        void Compare(string how, string measure, Func<string[], decimal> actual, decimal derived, int terms, bool single)
        {
            var rounding = measure.StartsWith("turnover:", StringComparison.Ordinal) ? 0.5m * terms + 0.01m : 0.005m * terms;
            foreach (var target in targets)
            {
                var figure = actual(target);
                if (figure == 0 || (target.Length > 1 && target.Any(s => actual([s]) == 0)))
                {
                    continue;
                }

                var exact = Math.Abs(derived - figure) <= rounding;
                var dominated = single && target.Length == 1 && figure > 0 && derived >= figure - rounding && derived <= figure * (1 + (pPercent / 100m));
                if (exact || dominated)
                {
                    leaks.Add(new Leak(how, $"{string.Join("+", target)} {measure}", derived, figure));
                }
            }
        }

        // Each number alone, and for one period a total minus any set of the others.
        foreach (var period in observations.GroupBy(o => (Measure: Base(o.Measure), o.From, o.To, o.Round)))
        {
            var items = period.Take(MaxTermsPerPeriod).ToList();
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Estimate)
                {
                    continue;
                }

                var others = items.Where((_, j) => j != i).ToList();
                for (var mask = 0; mask < 1 << others.Count; mask++)
                {
                    var derived = items[i].Value;
                    var how = $"{items[i].Source}";
                    for (var j = 0; j < others.Count; j++)
                    {
                        if ((mask & (1 << j)) != 0)
                        {
                            derived -= others[j].Value;
                            how += $" − {others[j].Source}";
                        }
                    }

                    var measure = items[i].Measure;
                    Compare(how, measure, t => Figure(t, measure, period.Key.From, period.Key.To, period.Key.Round), derived, 1 + int.PopCount(mask), single: mask == 0);
                }
            }
        }

        // Two numbers of the same measure for different periods, or of different rounds: a − b.
        var byMeasure = observations.Where(o => !o.Estimate).GroupBy(o => o.Measure);
        foreach (var measure in byMeasure)
        {
            var list = measure.ToList();
            foreach (var a in list)
            {
                foreach (var b in list)
                {
                    if ((a.From, a.To, a.Round) == (b.From, b.To, b.Round) || (a.Round != b.Round && a.Value == b.Value && (a.From, a.To) == (b.From, b.To))
                        || (ChanceOnly(measure.Key) && (a.To < b.From || b.To < a.From)))
                    {
                        continue;
                    }

                    Compare($"{Tag(a)}{a.Source} − {Tag(b)}{b.Source}", measure.Key,
                        t => Figure(t, measure.Key, a.From, a.To, a.Round) - Figure(t, measure.Key, b.From, b.To, b.Round), a.Value - b.Value, 2, single: false);

                    // One period published twice with other stores in it (a store left, a group was cut anew): the difference is a store's whole figure.
                    if (a.Round != b.Round && (a.From, a.To) == (b.From, b.To))
                    {
                        Compare($"{Tag(a)}{a.Source} − {Tag(b)}{b.Source}", measure.Key, t => Figure(t, measure.Key, a.From, a.To, a.Round), a.Value - b.Value, 2, single: false);
                    }
                }
            }
        }

        // A cash share made of one store is that store's cash share (as sold by any round).
        foreach (var (source, monthText, share) in _cashShares)
        {
            var month = DateOnly.ParseExact(monthText[..7] + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var end = month.AddMonths(1).AddDays(-1);
            foreach (var store in protectedStores)
            {
                foreach (var sold in _rounds.Count == 0 ? [truth] : _rounds)
                {
                    var payments = sold.Sum(store, "payments", month, end);
                    if (payments != 0 && Math.Abs((sold.Sum(store, "cash", month, end) / payments) - share) <= 0.0001m)
                    {
                        leaks.Add(new Leak(source, store + " cash share", share, sold.Sum(store, "cash", month, end) / payments));
                    }
                }
            }
        }

        return leaks.DistinctBy(l => (l.Stores, l.Actual)).ToList();
    }

    /// <summary>The leaks by the kind of attack (the endpoints and whether numbers were subtracted), with one example each.</summary>
    public static IEnumerable<string> Summary(IReadOnlyList<Leak> leaks)
    {
        ArgumentNullException.ThrowIfNull(leaks);
        return leaks.GroupBy(l => string.Join(" − ", l.How.Split(" − ").Select(p => p.Split('?')[0])))
            .Select(g => $"{g.Count()} × {g.Key}, e.g. {g.First()}");
    }

    /// <summary>
    /// Service counts of periods that do not overlap: no store's part of one is in the other, and
    /// none is the same from month to month (no estimates), so nothing cancels in a − b; small
    /// whole numbers equal some store's change between the months by chance alone, not by
    /// subtraction. (Turnover keeps them: registry estimates are the same every month.)
    /// </summary>
    private static bool ChanceOnly(string measure) => measure.StartsWith("services:", StringComparison.Ordinal);

    private static string Tag(Observation o) => o.Round == 0 ? string.Empty : $"[round {o.Round + 1}] ";

    private KnownFigures Truth(int round) => _rounds.Count == 0 ? truth : _rounds[round];

    private int Round => Math.Max(0, _rounds.Count - 1);

    /// <summary>The measure without its category or locality: the numbers that may be subtracted from one another for one period.</summary>
    private static string Base(string measure) =>
        measure.StartsWith("turnover:", StringComparison.Ordinal) || measure.StartsWith("services:", StringComparison.Ordinal) ? measure : measure.Split(':')[0];

    private async Task<JsonElement?> GetAsync(string path)
    {
        Requests++;
        using var response = await _municipality.GetAsync(new Uri(path, UriKind.Relative));
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task IndexPeriodsAsync(string path)
    {
        if (await GetAsync(path) is not { } root)
        {
            return;
        }

        foreach (var period in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root])
        {
            var (from, to) = (Date(period, "from"), Date(period, "to"));
            Turnover(period, "reported", from, to, $"{path} {period.GetProperty("label").GetString()} reported", estimate: false);
            Turnover(period, "estimated", from, to, $"{path} {period.GetProperty("label").GetString()} estimated", estimate: true);
        }
    }

    private void Turnover(JsonElement period, string name, DateOnly from, DateOnly to, string source, bool estimate)
    {
        if (!period.TryGetProperty(name, out var t) || t.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var total = Number(t, "totalKr");
        var d = Number(t, "dagligvarorKr");
        var s = Number(t, "sallankopKr");
        Add("turnover:total", total);
        Add("turnover:dagligvaror", d ?? (total - s));
        Add("turnover:sallankop", s ?? (total - d));

        void Add(string measure, decimal? value)
        {
            if (value is { } v)
            {
                _observations.Add(new Observation(measure, from, to, v, $"{source} {measure}", estimate, Round));
            }
        }
    }

    private async Task VillagesAsync(string path)
    {
        if (await GetAsync(path) is not { } root)
        {
            return;
        }

        var (from, to) = (Date(root, "from"), Date(root, "to"));
        foreach (var village in root.GetProperty("villages").EnumerateArray())
        {
            if (Number(village, "turnoverKr") is { } kr)
            {
                // A store's estimate, or a consenting store's own figure, is public: subtracted, never a target's figure by itself.
                var estimate = village.TryGetProperty("kind", out var kind) && kind.GetString() is "estimate" or "shared";
                _observations.Add(new Observation("turnover:total", from, to, kr, $"{path} {village.GetProperty("village").GetString()}", estimate, Round));
            }
        }
    }

    private async Task DeliveriesAsync(string path, DateOnly from, DateOnly to)
    {
        if (await GetAsync(path) is not { } root)
        {
            return;
        }

        var rows = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("localities");
        decimal count = 0, orders = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.TryGetProperty("suppressed", out var s) && s.GetBoolean())
            {
                continue;
            }

            var locality = row.GetProperty("locality").GetString()!;
            var place = locality.StartsWith("Övriga", StringComparison.Ordinal) ? "*" : locality;
            var n = Number(row, "deliveries") ?? 0;
            var kr = Number(row, "orderValueKr") ?? 0;
            _observations.Add(new Observation("deliveries:" + place, from, to, n, $"{path} {locality} deliveries", Round: Round));
            _observations.Add(new Observation("orders:" + place, from, to, kr, $"{path} {locality} order value", Round: Round));
            count += n;
            orders += kr;
        }

        _observations.Add(new Observation("deliveries:*", from, to, count, $"{path} all localities deliveries", Round: Round));
        _observations.Add(new Observation("orders:*", from, to, orders, $"{path} all localities order value", Round: Round));
    }

    private async Task CashAsync(string path)
    {
        if (await GetAsync(path) is not { } root)
        {
            return;
        }

        var rows = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("months");
        foreach (var month in rows.EnumerateArray())
        {
            if (Number(month, "cashShare") is { } share)
            {
                _cashShares.Add((path, month.GetProperty("month").GetString()!, share));
            }
        }
    }

    /// <summary>
    /// Kontanthantering: per group (or consenting store) and month the withdrawals (count, kronor),
    /// each service kind's count, the same month a year before, and the cash share.
    /// </summary>
    private async Task CashHandlingAsync(string path)
    {
        if (await GetAsync(path) is not { } root)
        {
            return;
        }

        foreach (var row in root.GetProperty("months").EnumerateArray())
        {
            var month = DateOnly.ParseExact(row.GetProperty("month").GetString()! + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var shared = row.GetProperty("kind").GetString() == "shared";
            var source = $"{path} {row.GetProperty("village").GetString()}{(shared ? " " + row.GetProperty("storeId").GetString() : string.Empty)} {month:yyyy-MM}";
            void Add(string measure, DateOnly m, decimal? value, string what)
            {
                if (value is { } v)
                {
                    _observations.Add(new Observation(measure, m, m.AddMonths(1).AddDays(-1), v, $"{source} {what}", shared, Round));
                }
            }

            Add("services:kontantuttag", month, Number(row, "withdrawals"), "withdrawals");
            Add("services:kontantuttag:kr", month, Number(row, "withdrawnKr"), "withdrawn kr");
            Add("services:kontantuttag", month.AddMonths(-12), Number(row, "withdrawalsYearBefore"), "withdrawals a year before");
            foreach (var service in row.GetProperty("services").EnumerateArray())
            {
                var kind = service.GetProperty("kind").GetString()!;
                Add("services:" + kind, month, Number(service, "transactions"), kind);
                Add("services:" + kind, month.AddMonths(-12), Number(service, "yearBefore"), kind + " a year before");
            }

            if (!shared && Number(row, "cashShare") is { } share)
            {
                _cashShares.Add((source, month.ToString("yyyy-MM", CultureInfo.InvariantCulture), share));
            }
        }
    }

    private static DateOnly Date(JsonElement e, string name) => DateOnly.ParseExact(e.GetProperty(name).GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static decimal? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;
}
