using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.SalesIndex;

namespace Norsjo.Retail.Tests.Hub;

public sealed class SalesIndexCalculatorTests
{
    [Fact]
    public void The_published_2017_Norsjo_figures_are_reproduced_from_the_published_turnover()
    {
        // HUI, 2017: Norsjö 121 / 31 / 152 Mkr; Sweden 346,137 / 316,090 / 662,227 Mkr; population
        // 10,120,242 and about 4,100; published index 87 / 25 / 57. Inputs are whole Mkr, so within one point.
        const decimal sweden = 10_120_242m;
        var registry = RegistryFile.Parse("""
            municipality: Norsjö
            stores: []
            years:
              - year: 2017
                population: 4100
                national_turnover_per_resident_kr: { dagligvaror: 34202, sallankopsvaror: 31233 }
                income_factor: 1.0
            """);
        var year = registry.Years.Single();
        Assert.Equal(Math.Round(346_137e6m / sweden), year.NationalDagligvarorPerResidentKr);
        Assert.Equal(Math.Round(316_090e6m / sweden), year.NationalSallankopPerResidentKr);

        var data = Enumerable.Range(1, 12).Select(m => new StoreMonth("alla", new DateOnly(2017, m, 1),
            new Turnover(121e6m / 12, 31e6m / 12), new Turnover(121e6m / 12, 31e6m / 12))).ToList();
        var index = new SalesIndexCalculator(registry).Compute(data, new DateOnly(2017, 1, 1), new DateOnly(2017, 12, 1), "2017", annualise: false).Index;

        Assert.InRange(index.Dagligvaror, 86m, 88m);
        Assert.InRange(index.Sallankop, 24m, 26m);
        Assert.InRange(index.Total, 56m, 58m);
        Assert.Equal(57m, Math.Round(index.Total));
        // The total is checked against the published national total too, not only the sum of the parts.
        Assert.Equal(Math.Round(SalesIndexFormula.Index(152e6m, 4100, 662_227e6m / sweden, 1m), 1), index.Total);
    }

    private static StoreRegistry Registry(string extraStores = "") => RegistryFile.Parse($"""
        municipality: Norsjö
        estimate_uncertainty: 0.2
        stores:
          - {Store("a1", "Bastuträsk")}
          - {Store("a2", "Bastuträsk")}
          - {Store("a3", "Bastuträsk")}
          - {Store("k1", "Kusfors")}
          - {Store("n1", "Norsjövallen")}
        {extraStores}
        years:
          - year: 2025
            population: 4000
            national_turnover_per_resident_kr: {"{"} dagligvaror: 30000, sallankopsvaror: 30000 {"}"}
        """);

    private static string Store(string id, string village) =>
        $"{{ id: {id}, name: {id}, village: {village}, opened: 2020-01-01, hours: {{ mon-sun: closed }} }}";

    private static List<StoreMonth> Months(string store, int year, decimal dagligvarorPerMonth, decimal sallankopPerMonth) =>
        [.. Enumerable.Range(1, 12).Select(m => new StoreMonth(store, new DateOnly(year, m, 1),
            new Turnover(dagligvarorPerMonth, sallankopPerMonth), new Turnover(dagligvarorPerMonth, sallankopPerMonth)))];

    [Fact]
    public void A_store_without_an_agent_is_estimated_from_its_baseline_and_the_trend_and_the_uncertainty_is_shown()
    {
        var registry = Registry("  - { id: ica, name: ICA, village: Norsjö, opened: 2010-01-01, hours: { mon-sun: closed }, reports: false, baseline: { year: 2024, dagligvaror_kr: 48000000, sallankopsvaror_kr: 0 } }");
        // The reporting stores grew 10 % from 2024 to 2025.
        var data = new[] { "a1", "a2", "a3", "k1", "n1" }
            .SelectMany(s => Months(s, 2024, 100_000, 50_000).Concat(Months(s, 2025, 110_000, 55_000))).ToList();

        var period = new SalesIndexCalculator(registry).Compute(data, new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 1), "2025", annualise: false);

        Assert.Equal(new Turnover(5 * 12 * 110_000m, 5 * 12 * 55_000m), period.Reported);
        Assert.Equal(new Turnover(48_000_000m * 1.1m, 0), period.Estimated);
        Assert.Equal(["ica"], period.EstimatedStores);
        Assert.Equal(Math.Round(9_900_000m / (9_900_000m + 52_800_000m), 3), period.Coverage);
        // Total: 62.7 Mkr for 4,000 residents against 60,000 kr per resident.
        Assert.Equal(Math.Round(100m * 62_700_000m / 4000 / 60_000, 1), period.Index.Total);
        Assert.Equal(Math.Round(100m * (9_900_000m + 52_800_000m * 0.8m) / 4000 / 60_000, 1), period.Low.Total);
        Assert.Equal(Math.Round(100m * (9_900_000m + 52_800_000m * 1.2m) / 4000 / 60_000, 1), period.High.Total);
        Assert.Equal(new GapToTarget(60, 144_000_000, 144_000_000 - 62_700_000, Math.Round((144_000_000m - 62_700_000) / 4000 / 12, 2), false), period.Gap);
        Assert.Equal(new Growth(10.0m, 10.0m), period.Growth);
    }

    [Fact]
    public void The_trend_and_the_growth_compare_only_months_reported_in_both_years()
    {
        var registry = Registry("  - { id: ica, name: ICA, village: Norsjö, opened: 2010-01-01, hours: { mon-sun: closed }, reports: false, baseline: { year: 2025, dagligvaror_kr: 12000000, sallankopsvaror_kr: 0 } }");
        // The agents started in October 2025: only three months to compare with.
        var data = new[] { "a1", "a2", "a3" }
            .SelectMany(s => Months(s, 2025, 100_000, 0).Where(m => m.Month.Month >= 10).Concat(Months(s, 2026, 110_000, 0))).ToList();

        var period = new SalesIndexCalculator(registry).Compute(data, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 1), "2026", annualise: false);

        Assert.Equal(new Turnover(12_000_000m * 1.1m, 0), period.Estimated);
        Assert.Equal(new Growth(10.0m, 10.0m), period.Growth);
    }

    [Fact]
    public void A_month_the_agent_joined_half_way_is_not_compared()
    {
        var registry = Registry();
        // October 2025 had sales on 9 days only (the agent started on the 23rd); October 2026 on 31.
        var data = new List<StoreMonth>
        {
            new("a1", new DateOnly(2025, 10, 1), new Turnover(30_000, 0), new Turnover(30_000, 0)) { Days = 9 },
            new("a1", new DateOnly(2025, 11, 1), new Turnover(100_000, 0), new Turnover(100_000, 0)) { Days = 30 },
            new("a1", new DateOnly(2026, 10, 1), new Turnover(110_000, 0), new Turnover(110_000, 0)) { Days = 31 },
            new("a1", new DateOnly(2026, 11, 1), new Turnover(110_000, 0), new Turnover(110_000, 0)) { Days = 30 },
        };

        var period = new SalesIndexCalculator(registry).Compute(data, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1), "okt–nov", annualise: false);

        Assert.Equal(new Growth(10.0m, 10.0m), period.Growth);
    }

    [Fact]
    public void Constant_VAT_growth_shows_the_food_VAT_cut_is_not_lost_trade()
    {
        var registry = Registry();
        var food2025 = Months("a1", 2025, 112_000, 0);
        // The same goods after the cut: 100,000 net costs 106,000 instead of 112,000.
        var food2026 = Months("a1", 2026, 106_000, 0).Select(m => m with { ConstantVat = new Turnover(112_000, 0) }).ToList();

        var period = new SalesIndexCalculator(registry).Compute([.. food2025, .. food2026], new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 1), "2026", annualise: false);

        Assert.Equal(new Growth(-5.4m, 0.0m), period.Growth);
    }

    [Fact]
    public void No_village_figure_is_made_of_fewer_than_three_stores_not_even_by_subtraction()
    {
        var registry = Registry();
        var data = new[] { "a1", "a2", "a3", "k1", "n1" }.SelectMany(s => Months(s, 2025, 100_000, 0)).ToList();

        var report = new SalesIndexCalculator(registry).Villages(data, new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 1), "2025");

        // Kusfors and Norsjövallen have one store each: together two, still too few, so the smallest
        // shown village (Bastuträsk, three stores) would be the only other figure — subtracting it from
        // the total would reveal them. Everything goes into one group of five.
        var only = Assert.Single(report.Villages);
        Assert.Equal("Övriga orter", only.Village);
        Assert.Equal(5, only.Stores);
        Assert.Contains("Bastuträsk", only.Note!, StringComparison.Ordinal);
        Assert.All(report.Villages, v => Assert.True(v.Suppressed || v.Stores >= 3));
    }

    [Fact]
    public void Villages_with_three_stores_are_shown_and_small_ones_merged_when_the_merged_group_is_big_enough()
    {
        var registry = Registry("""
              - { id: k2, name: k2, village: Kusfors, opened: 2020-01-01, hours: { mon-sun: closed } }
              - { id: n2, name: n2, village: Norsjövallen, opened: 2020-01-01, hours: { mon-sun: closed } }
            """);
        var data = new[] { "a1", "a2", "a3", "k1", "k2", "n1", "n2" }.SelectMany(s => Months(s, 2025, 100_000, 0)).ToList();

        var report = new SalesIndexCalculator(registry).Villages(data, new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 1), "2025");

        Assert.Equal(["Bastuträsk", "Övriga orter"], report.Villages.Select(v => v.Village));
        Assert.Equal(3_600_000m, report.Villages[0].TurnoverKr);
        Assert.Equal(4, report.Villages[1].Stores);
        Assert.Equal(Math.Round(100m * 3_600_000m / 4000 / 60_000, 1), report.Villages[0].IndexPoints);
    }
}
