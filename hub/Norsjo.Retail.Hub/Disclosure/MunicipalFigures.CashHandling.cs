using System.Globalization;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.CashHandling;
using Norsjo.Retail.Hub.SalesIndex;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>
/// Kontanthantering (issue 19): is cash still usable in each village, and is it changing? Per group
/// of stores (the same groups as every other municipal figure, <see cref="DisclosurePlan"/>) and
/// whole settled month: the cash withdrawals, the other service counts and the cash share of
/// payments, each a cell of its own under <see cref="DisclosureRule"/> on the protected stores'
/// parts; a store whose owner shares its figures is shown on its own, as in the village view.
/// Every figure is made from the month's published inputs (<see cref="PublishedMonths"/>), like
/// the municipality's cash share: a settled month's service counts are frozen with it, so a late
/// upload cannot be had as the new count minus the old.
/// </summary>
public sealed partial class MunicipalFigures
{
    private static readonly string[] CountedKinds = [.. ServiceKindNames.All.Where(k => k.Kind != ServiceKind.Kontantuttag).Select(k => k.Name)];

    public async Task<CashHandlingReport> CashHandlingAsync(DateOnly fromMonth, DateOnly toMonth, CancellationToken cancellationToken)
    {
        var data = await ReadAsync(fromMonth.AddMonths(-12), toMonth, MonthParts.Cash | MonthParts.Services, cancellationToken).ConfigureAwait(false);
        var rows = new List<CashHandlingMonth>();
        foreach (var month in SalesIndexCalculator.MonthsBetween(fromMonth, toMonth))
        {
            var plan = data.PlanOf(month);
            var before = data.PlanOf(month.AddMonths(-12));
            foreach (var group in plan.Groups.Where(g => g.StoreIds.Count > 0))
            {
                var then = before.Groups.FirstOrDefault(g => g.Label == group.Label);
                rows.Add(Handling(group.Label, group.Villages, "group", null, month,
                    new HandlingCells(this, data[month], month, group.StoreIds, Protected: true),
                    then is null ? null : new HandlingCells(this, data[month.AddMonths(-12)], month.AddMonths(-12), then.StoreIds, Protected: true)));
            }

            foreach (var id in plan.Shared.Keys.Where(data.StillShares).Order(StringComparer.Ordinal))
            {
                var store = facts.Current.Find(id);
                var sharedBefore = before.Shared.ContainsKey(id);
                rows.Add(Handling(store?.Village ?? GroupLabel(id), [store?.Village ?? GroupLabel(id)], "shared", id, month,
                    new HandlingCells(this, data[month], month, [id], Protected: false),
                    sharedBefore ? new HandlingCells(this, data[month.AddMonths(-12)], month.AddMonths(-12), [id], Protected: false) : null));
            }

            string GroupLabel(string id) => plan.GroupOf(id)?.Label ?? "Okänd ort";
        }

        var o = Options;
        return new CashHandlingReport($"{fromMonth:yyyy-MM}–{toMonth:yyyy-MM}", $"{fromMonth:yyyy-MM}", $"{toMonth:yyyy-MM}", rows,
            $"Varje siffra visas bara för hela, avslutade månader och om minst {o.MinimumStores} butiker bidrar till den utan att en butik står för mer än {Percent(o.DominanceShare * 100)} % av den; " +
            "annars står det varför. Mindre orter slås ihop, som i resten av kommunens siffror. En butik visas för sig bara med ägarens samtycke. " +
            "Kontantuttag, paket, räkningar och apoteksombud räknas av butikens kassa och skickas som antal per dag – aldrig enskilda köp, kunder eller klockslag.");
    }

    /// <summary>The cells of one group (or one consenting store) in one month: each store's parts of each measure.</summary>
    private sealed record HandlingCells(MunicipalFigures Figures, PublishedMonth Data, DateOnly Month, IReadOnlyList<string> StoreIds, bool Protected)
    {
        private IEnumerable<StoreServiceMonth> Services => Data.ServiceVolumes;

        private IEnumerable<StoreServiceMonth> Of(string kind) =>
            Services.Where(s => s.Kind == kind && StoreIds.Contains(s.StoreId));

        private IReadOnlyList<StoreCash> Cash => [.. Data.Cash.Where(c => StoreIds.Contains(c.StoreId))];

        public int StoresWithServices => Services.Where(s => StoreIds.Contains(s.StoreId)).Select(s => s.StoreId).Distinct().Count();

        public int StoresWithPayments => Cash.Count;

        /// <summary>One cell: its value, or why it is held back.</summary>
        private (T? Value, string? HeldBack) Cell<T>(IEnumerable<decimal> parts, Func<T> value)
            where T : struct
        {
            if (Month > Figures.LastSettledMonth)
            {
                return (null, Figures.Unsettled(Month));
            }

            var verdict = Protected ? DisclosureRule.Check(parts, Figures.Options) : Verdict.Show;
            return verdict.Shown ? (value(), null) : (null, $"{Month:yyyy-MM}: {verdict.Reason}");
        }

        /// <summary>No store of the group sent any service volumes that month (older agents, or tills without service rows): unknown, not none.</summary>
        private (T? Value, string? HeldBack)? Unreported<T>()
            where T : struct =>
            Month <= Figures.LastSettledMonth && StoresWithServices == 0 ? (null, $"{Month:yyyy-MM}: inga butiker har rapporterat tjänster") : null;

        public (long? Value, string? HeldBack) Count(string kind) => Unreported<long>() ??
            Cell(Of(kind).GroupBy(s => s.StoreId).Select(g => (decimal)g.Sum(s => s.Transactions)), () => Of(kind).Sum(s => s.Transactions));

        public (decimal? Value, string? HeldBack) WithdrawnKr => Unreported<decimal>() ??
            Cell(Of(ServiceKindNames.Name(ServiceKind.Kontantuttag)!).GroupBy(s => s.StoreId).Select(g => (decimal)g.Sum(s => s.AmountOre)),
                () => Of(ServiceKindNames.Name(ServiceKind.Kontantuttag)!).Sum(s => s.AmountOre) / 100m);

        /// <summary>As the municipality's cash share: the cash and all payments must each pass.</summary>
        public (decimal? Value, string? HeldBack) CashShare
        {
            get
            {
                var cash = Cash;
                var share = Cell(cash.Select(c => (decimal)c.CashOre), () => 0m) is { HeldBack: { } held } ? (null, held)
                    : Cell(cash.Select(c => (decimal)c.TotalOre), () =>
                    {
                        var total = cash.Sum(c => c.TotalOre);
                        return total == 0 ? 0m : Math.Round((decimal)cash.Sum(c => c.CashOre) / total, 4);
                    });
                return cash.Count == 0 && share.Item2 is null ? (null, null) : share;
            }
        }
    }

    private static CashHandlingMonth Handling(string label, IReadOnlyList<string> villages, string kind, string? storeId, DateOnly month, HandlingCells now, HandlingCells? before)
    {
        var withdrawals = ServiceKindNames.Name(ServiceKind.Kontantuttag)!;
        var reasons = new List<string?>();
        T? Keep<T>((T? Value, string? HeldBack) cell)
            where T : struct
        {
            reasons.Add(cell.HeldBack);
            return cell.Value;
        }

        var count = Keep(now.Count(withdrawals));
        var kr = Keep(now.WithdrawnKr);
        var share = Keep(now.CashShare);
        var countBefore = before?.Count(withdrawals).Value;
        var shareBefore = before?.CashShare.Value;
        var others = CountedKinds.Select(k =>
        {
            var (value, held) = now.Count(k);
            reasons.Add(held);
            return new ServiceCountFigure(k, ServiceKindNames.All.First(n => n.Name == k).Swedish, value, before?.Count(k).Value, held);
        }).ToList();
        var heldBack = reasons.FirstOrDefault(r => r is not null);
        return new CashHandlingMonth(label, villages, kind, storeId, month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            Math.Max(now.StoresWithPayments, now.StoresWithServices), now.StoresWithServices,
            count is not null && share is not null, heldBack is null ? null : "Visas inte: " + heldBack,
            count, kr, countBefore, count is { } c && countBefore is { } b && b > 0 ? Math.Round(((decimal)c / b) - 1, 4) : null,
            share, shareBefore, share is { } s && shareBefore is { } sb ? Math.Round((s - sb) * 100, 1) : null,
            others);
    }
}
