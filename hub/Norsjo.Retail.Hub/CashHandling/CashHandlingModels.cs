namespace Norsjo.Retail.Hub.CashHandling;

/// <summary>
/// One service kind's count in a village-month. Null where the cell is held back (<see cref="HeldBack"/> says why).
/// </summary>
public sealed record ServiceCountFigure(string Kind, string Name, long? Transactions, long? YearBefore, string? HeldBack);

/// <summary>
/// Kontanthantering for one group of stores (a village, small villages merged) or one store that
/// shares its figures, in one whole month: cash withdrawals (count and kronor), the other service
/// counts, the cash share of payments, and each against the same month a year before. Every figure
/// is its own cell under the disclosure rule: null where held back, with the first reason in
/// <see cref="HeldBack"/>. Changes are shown only where both months are.
/// </summary>
/// <param name="Kind">"group" or "shared" (a store whose owner shares its figures).</param>
/// <param name="CashShareChange">Percentage points against the same month a year before.</param>
/// <param name="WithdrawalsChange">The count's change against the same month a year before, as a share (0.1 = 10 % more).</param>
public sealed record CashHandlingMonth(
    string Village,
    IReadOnlyList<string> Villages,
    string Kind,
    string? StoreId,
    string Month,
    int Stores,
    int StoresWithServices,
    bool Shown,
    string? HeldBack,
    long? Withdrawals,
    decimal? WithdrawnKr,
    long? WithdrawalsYearBefore,
    decimal? WithdrawalsChange,
    decimal? CashShare,
    decimal? CashShareYearBefore,
    decimal? CashShareChange,
    IReadOnlyList<ServiceCountFigure> Services);

/// <summary>The municipality's kontanthantering section: per village and month, with how the rule was applied.</summary>
public sealed record CashHandlingReport(string Label, string From, string To, IReadOnlyList<CashHandlingMonth> Months, string Note);
