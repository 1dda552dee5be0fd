using Microsoft.Extensions.Logging.Abstractions;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Storage.Migrations;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>The literal formatter, the insert writer and the migrations, proven against a real server.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class ClickHouseStorageTests(ClickHouseServerFixture clickHouse)
{
    public static TheoryData<string> AwkwardText() =>
    [
        "plain",
        "O'Brien's \"quoted\"",
        @"back\slash \' \\' trailing\",
        "tab\tnew\nline\rcarriage",
        "nul\0byte \b\f",
        "Åsa Öberg, Norsjövallen — 12 % moms; ¼ € 😀",
        "'); DROP TABLE receipts; --",
        string.Empty,
    ];

    private sealed record Echo(string Value, long Length);

    [Theory]
    [MemberData(nameof(AwkwardText))]
    public async Task A_text_literal_comes_back_from_the_server_unchanged(string text)
    {
        using var database = new ClickHouseDatabase(clickHouse.Url, "default");
        var echo = (await database.QueryAsync<Echo>($"SELECT {SqlLiteral.Text(text)} AS Value, length({SqlLiteral.Text(text)}) AS Length")).Single();
        Assert.Equal(text, echo.Value);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), echo.Length);
    }

    [Theory]
    [MemberData(nameof(AwkwardText))]
    public async Task A_text_written_as_TabSeparated_is_stored_unchanged(string text)
    {
        using var database = await clickHouse.MigratedDatabaseAsync();
        await database.ExecuteAsync("CREATE TABLE echo (id UInt32, value String, day Date, amount Int64) ENGINE = MergeTree() ORDER BY id");
        var rows = new TabSeparatedRows().Row(1, text, new DateOnly(2026, 4, 1), -123_456_789_012L);
        await database.InsertAsync("echo", ["id", "value", "day", "amount"], rows);

        var stored = (await database.QueryAsync<Echo>("SELECT value AS Value, amount AS Length FROM echo WHERE day = toDate('2026-04-01')")).Single();
        Assert.Equal(new Echo(text, -123_456_789_012L), stored);
    }

    [Theory]
    [InlineData("norsjo_retail")]
    [InlineData("_x9")]
    public void A_plain_identifier_is_accepted(string name) => Assert.Equal(name, SqlLiteral.Identifier(name));

    [Theory]
    [InlineData("9lives")]
    [InlineData("a-b")]
    [InlineData("a b")]
    [InlineData("x;DROP")]
    [InlineData("")]
    public void Anything_but_a_plain_identifier_is_refused(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => SqlLiteral.Identifier(name));

    [Fact]
    public void A_date_literal_is_a_toDate_call_and_numbers_are_invariant() =>
        Assert.Equal("toDate('2026-04-01') -1234567", SqlLiteral.Date(new DateOnly(2026, 4, 1)) + " " + SqlLiteral.Number(-1234567));

    [Fact]
    public async Task Migrations_apply_every_step_once_and_running_them_again_changes_nothing()
    {
        using var database = new ClickHouseDatabase(clickHouse.Url, ClickHouseServerFixture.NewDatabaseName());
        var migrator = new SchemaMigrator(database, NullLogger<SchemaMigrator>.Instance);

        var first = await migrator.MigrateAsync(CancellationToken.None);
        var second = await migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(Schema.Migrations.Count, first);
        Assert.Equal(0, second);
        Assert.Equal(Schema.Migrations.Select(m => m.Version), await migrator.AppliedVersionsAsync(CancellationToken.None));
        // A step stopped half-way runs again: an added column is found and not added twice.
        await database.ExecuteAsync($"ALTER TABLE schema_migrations DELETE WHERE version = {Schema.Migrations[^1].Version}");
        await Eventually.WaitUntilAsync(() => migrator.AppliedVersionsAsync(CancellationToken.None).GetAwaiter().GetResult().Count == Schema.Migrations.Count - 1, "the step forgotten");
        Assert.Equal(1, await migrator.MigrateAsync(CancellationToken.None));
        var tables = await database.QueryAsync<Echo>($"SELECT name AS Value, 0 AS Length FROM system.tables WHERE database = {SqlLiteral.Text(database.Name)} ORDER BY name");
        Assert.Equal(
            ["agent_silence", "daily_counts", "daily_payments", "daily_sales", "enrollment_codes", "forecast_metrics", "forecast_points", "home_deliveries", "index_outlooks", "ingest_batches", "municipal_figures", "municipality_outlooks", "payments_daily", "receipt_lines", "receipt_payments", "receipts", "receipts_hourly", "sales_daily", "schema_migrations", "service_volumes", "store_consents", "store_credentials", "subsidy_ledger", "subsidy_statements", "turnover_monthly", "users"],
            tables.Select(t => t.Value));
    }
}
