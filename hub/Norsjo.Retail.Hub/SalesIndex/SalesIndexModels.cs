namespace Norsjo.Retail.Hub.SalesIndex;

/// <summary>Kronor including VAT per index category.</summary>
public sealed record Turnover(decimal DagligvarorKr, decimal SallankopKr)
{
    public static Turnover Zero { get; } = new(0, 0);

    public decimal TotalKr => DagligvarorKr + SallankopKr;

    public static Turnover operator +(Turnover a, Turnover b) => new(a.DagligvarorKr + b.DagligvarorKr, a.SallankopKr + b.SallankopKr);

    public Turnover Times(decimal factor) => new(DagligvarorKr * factor, SallankopKr * factor);

    public Turnover Rounded() => new(Math.Round(DagligvarorKr), Math.Round(SallankopKr));
}

public sealed record IndexValue(decimal Dagligvaror, decimal Sallankop, decimal Total)
{
    public IndexValue Rounded(int decimals = 1) =>
        new(Math.Round(Dagligvaror, decimals), Math.Round(Sallankop, decimals), Math.Round(Total, decimals));
}

/// <summary>What it takes to reach the target (total index).</summary>
public sealed record GapToTarget(decimal Target, decimal NeededKrPerYear, decimal GapKrPerYear, decimal GapKrPerResidentPerMonth, bool Reached);

/// <summary>Growth against the same months a year earlier: as measured (VAT included, as the index counts) and at constant VAT.</summary>
public sealed record Growth(decimal MeasuredPercent, decimal ConstantVatPercent);

/// <summary>
/// The index for one period. <see cref="Low"/> and <see cref="High"/> bound it by the uncertainty
/// of the estimated stores; <see cref="Coverage"/> is the share of turnover that was reported.
/// </summary>
public sealed record IndexPeriod(
    string Label,
    DateOnly From,
    DateOnly To,
    int Months,
    bool Complete,
    int FiguresYear,
    int Population,
    IndexValue Index,
    IndexValue Low,
    IndexValue High,
    Turnover Reported,
    Turnover Estimated,
    decimal Coverage,
    IReadOnlyList<string> EstimatedStores,
    IReadOnlyList<string> StoresWithoutData,
    GapToTarget Gap,
    Growth? Growth);

/// <summary>
/// A service village's share. Figures made of fewer than 3 stores are never shown: such villages
/// are merged into one group, and if that group is still too small it is suppressed.
/// </summary>
public sealed record VillageFigure(string Village, int Stores, decimal? TurnoverKr, decimal? IndexPoints, bool Suppressed, string? Note);

public sealed record VillageReport(string Label, DateOnly From, DateOnly To, IReadOnlyList<VillageFigure> Villages, string SuppressionNote);
