namespace Norsjo.Retail.Hub.SalesIndex;

/// <summary>
/// HUI's försäljningsindex (DESIGN.md): the municipality's turnover per resident against the
/// nation's, adjusted for purchasing power.
///     FI = 100 × (O_k / B_k) / ((O_riket / B_riket) × I_k)
/// </summary>
public static class SalesIndexFormula
{
    public static decimal Index(decimal turnoverKr, int population, decimal nationalPerResidentKr, decimal incomeFactor) =>
        population <= 0 || nationalPerResidentKr <= 0 || incomeFactor <= 0
            ? 0
            : 100m * (turnoverKr / population) / (nationalPerResidentKr * incomeFactor);

    /// <summary>The yearly turnover that gives <paramref name="index"/>.</summary>
    public static decimal TurnoverFor(decimal index, int population, decimal nationalPerResidentKr, decimal incomeFactor) =>
        index / 100m * population * nationalPerResidentKr * incomeFactor;
}
