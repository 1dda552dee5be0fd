using Norsjo.Retail.Hub.Analytics;
using Norsjo.Retail.Hub.SalesIndex;

namespace Norsjo.Retail.Hub.Disclosure;

/// <summary>An index as published: the categories are null where they are held back and the total is not.</summary>
public sealed record PublishedIndex(decimal? Dagligvaror, decimal? Sallankop, decimal Total);

public sealed record PublishedTurnover(decimal? DagligvarorKr, decimal? SallankopKr, decimal TotalKr);

/// <summary>
/// The index for one period as the municipality sees it. Where <see cref="Shown"/> is false every
/// figure made of the stores' turnover is null and <see cref="HeldBack"/> says why, in Swedish; the
/// estimates of stores without agents are the registry's own figures and always shown.
/// </summary>
public sealed record PublishedIndexPeriod(
    string Label,
    DateOnly From,
    DateOnly To,
    int Months,
    bool Complete,
    int FiguresYear,
    int Population,
    bool Shown,
    PublishedIndex? Index,
    PublishedIndex? Low,
    PublishedIndex? High,
    PublishedTurnover? Reported,
    Turnover Estimated,
    decimal? Coverage,
    IReadOnlyList<string> EstimatedStores,
    IReadOnlyList<string> StoresWithoutData,
    IReadOnlyList<string> SharedStores,
    GapToTarget? Gap,
    Growth? Growth,
    string? HeldBack);

/// <summary>A row of the village view: a group of stores ("group"), a store that shares its figures ("shared"), or a store's estimate ("estimate").</summary>
public sealed record PublishedVillage(string Village, string Kind, string? StoreId, int Stores, decimal? TurnoverKr, decimal? IndexPoints, bool Suppressed, string? Note);

public sealed record PublishedVillageReport(string Label, DateOnly From, DateOnly To, IReadOnlyList<PublishedVillage> Villages, string SuppressionNote);

public sealed record PublishedCashMonth(string Month, int Stores, decimal? CashShare, bool Suppressed, string? HeldBack);

public sealed record PublishedDeliveries(string Month, IReadOnlyList<DeliveryFigure> Localities, string Note);

public sealed record PublishedOutlook(int Year, string AsOf, decimal Expected, decimal Low, decimal High, decimal ProbabilityOfTarget, string Method);

/// <summary>A store's consent as both sides see it.</summary>
public sealed record ConsentView(string StoreId, string StoreName, string Village, bool Given, bool Effective, string? By, DateTimeOffset? At, string Note, IReadOnlyList<ConsentEvent> History);
