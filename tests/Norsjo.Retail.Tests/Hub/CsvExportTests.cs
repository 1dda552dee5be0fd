using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Exports;
using Norsjo.Retail.Hub.Subsidy;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>
/// The subsidy statement's CSV with localities an agent could send: a separator cannot shift the
/// columns and a formula is shown, never run (OWASP, CSV injection). Real hub, ClickHouse, ledger.
/// </summary>
[Collection(ClickHouseGroup.Name)]
public sealed class CsvExportTests(ClickHouseServerFixture clickHouse)
{
    private const string Rules = """
        subsidy:
          state_share: 0.5
          state_cap_per_delivery_kr: 100
          claim_threshold_kr: 200
          rules:
            - { valid_from: 2025-01-01, amount_kr: 150, min_distance_km: 2, max_per_household_per_week: 1 }
        """;

    [Fact]
    public async Task The_subsidy_statement_quotes_separators_and_neutralises_formulas_in_every_text()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { RegistryExtra = Rules }, "butik-a");
        string[] localities = ["Kusfors;9999;ja", "=HYPERLINK(\"http://example.invalid\",\"Kusfors\")", "+46", "-2+3", "@SUM(A1)", "Bjurträsk \"östra\""];
        var batch = new UploadBatchRequest { BatchId = "deliveries", StoreId = "butik-a" };
        batch.HomeDeliveries.AddRange(localities.Select((locality, i) => new HomeDelivery
        {
            DeliveryKey = $"d{i}",
            HouseholdKey = $"h{i}",
            Date = new LocalDate { Year = 2026, Month = 3, Day = 2 + i },
            Locality = locality,
            DistanceM = 3_000,
            OrderValueOre = 40_000,
            HouseholdRegistered = true,
        }));
        using (var channel = hub.Channel())
        {
            await new Ingest.IngestClient(channel).UploadBatchAsync(batch, RunningHub.Credential(await hub.EnrollAsync("butik-a")));
        }

        var ledger = hub.Services.GetRequiredService<SubsidyLedger>();
        await ledger.ProduceAsync(new DateOnly(2026, 3, 1));
        var csv = SubsidyLedger.Csv(await ledger.StatementAsync("butik-a", new DateOnly(2026, 3, 1)));

        var rows = Parse(csv);
        Assert.Equal(["leverans", "datum", "vecka", "ort", "avstand_km", "godkand", "skal", "belopp_kr", "rattelse"], rows[0]);
        Assert.All(rows, row => Assert.Equal(9, row.Length));
        Assert.Equal(
            ["Kusfors;9999;ja", "'=HYPERLINK(\"http://example.invalid\",\"Kusfors\")", "'+46", "'-2+3", "'@SUM(A1)", "Bjurträsk \"östra\""],
            rows.Skip(1).OrderBy(r => r[0], StringComparer.Ordinal).Select(r => r[3]));
        Assert.All(rows.Skip(1), row => Assert.Equal("3", row[4]));
        Assert.DoesNotContain(csv.Split('\n'), line => line.Split(';').Any(cell => cell.Length > 0 && CsvExport.FormulaStarts.Contains(cell[0])));
    }

    [Fact]
    public void Numbers_stay_numbers_and_text_that_looks_like_a_formula_is_quoted_with_an_apostrophe()
    {
        var csv = CsvExport.Write(["text", "belopp"], [["-5", CsvCell.Number(-5.5m, "0.00")], ["\tTAB", CsvCell.Number(1234.5m)], ["\rCR", CsvCell.Number(0m)]]);

        Assert.Equal("text;belopp\n\"'-5\";-5,50\n\"'\tTAB\";1234,5\n\"'\rCR\";0\n", csv);
    }

    private static List<string[]> Parse(string csv)
    {
        using var reader = new CsvParser(new StringReader(csv), new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = ";" });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(reader.Record!);
        }

        return rows;
    }
}
