namespace Norsjo.Retail.Tests.Dashboards;

// The parts of the API's answers the page tests compare with what the pages show.
public sealed record TrendPointDto(string Period, decimal GrossKr, long Receipts, decimal LastYearGrossKr);

public sealed record PaymentMixDto(decimal CashShare);

public sealed record BasketsDto(long Receipts, decimal AverageKr);

public sealed record DeliveryDto(string Locality, long Deliveries, bool Suppressed);

public sealed record StatementDto(string StoreId, string Month, bool Produced, int Deliveries, int Eligible, decimal AmountDueKr);

public sealed record IndexValueDto(decimal? Dagligvaror, decimal? Sallankop, decimal Total);

public sealed record GapDto(decimal GapKrPerYear, decimal GapKrPerResidentPerMonth, bool Reached);

public sealed record IndexPeriodDto(string Label, string To, bool Complete, bool Shown, IndexValueDto? Index, decimal? Coverage, GapDto? Gap, string? HeldBack);

public sealed record VillageDto(string Village, string Kind, string? StoreId, int Stores, decimal? IndexPoints, bool Suppressed);

public sealed record ConsentDto(string StoreId, bool Given, bool Effective, string? By, string Note);

public sealed record VillageReportDto(IReadOnlyList<VillageDto> Villages, string SuppressionNote);

public sealed record OutlookDto(decimal Expected, decimal ProbabilityOf60);

public sealed record SilentAgentDto(string StoreId, bool Silent);
