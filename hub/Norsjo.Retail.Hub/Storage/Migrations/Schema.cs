namespace Norsjo.Retail.Hub.Storage.Migrations;

/// <summary>
/// The hub's schema, as ordered steps. Never edit a step that has shipped: add a new one.
///
/// Portability (DESIGN.md): plain MergeTree family engines with PARTITION BY / ORDER BY, no TTL,
/// DateTime64, Map, LowCardinality or codecs, so the same DDL runs on Debian's 18.16 and on
/// current servers. Rows that can arrive twice live in ReplacingMergeTree tables keyed on their
/// natural identity and are read with FINAL; `version` (Unix milliseconds at ingest) lets the
/// latest copy win.
/// </summary>
public static class Schema
{
    private const string ChannelEnum = "Enum8('in_store' = 1, 'home_delivery' = 2, 'click_and_collect' = 3)";
    private const string PaymentEnum = "Enum8('cash' = 1, 'card' = 2, 'swish' = 3, 'invoice' = 4, 'other' = 5)";
    private const string SourceEnum = "Enum8('z_report' = 1, 'sie4' = 2)";

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "receipts, daily totals, home deliveries and ingest batches",
        [
            $"""
            CREATE TABLE IF NOT EXISTS receipts (
                store_id String,
                sale_date Date,
                receipt_key String,
                minute_of_day UInt16,
                channel {ChannelEnum},
                gross_ore Int64,
                vat_ore Int64,
                returned_gross_ore Int64,
                batch_id String,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(sale_date)
            ORDER BY (store_id, sale_date, receipt_key)
            """,
            """
            CREATE TABLE IF NOT EXISTS receipt_lines (
                store_id String,
                sale_date Date,
                receipt_key String,
                category String,
                vat_rate_bp UInt16,
                returned UInt8,
                gross_ore Int64,
                vat_ore Int64,
                quantity_milli Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(sale_date)
            ORDER BY (store_id, sale_date, receipt_key, category, vat_rate_bp, returned)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS receipt_payments (
                store_id String,
                sale_date Date,
                receipt_key String,
                method {PaymentEnum},
                amount_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(sale_date)
            ORDER BY (store_id, sale_date, receipt_key, method)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS daily_sales (
                store_id String,
                business_date Date,
                source {SourceEnum},
                category String,
                vat_rate_bp UInt16,
                gross_ore Int64,
                vat_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(business_date)
            ORDER BY (store_id, business_date, source, category, vat_rate_bp)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS daily_payments (
                store_id String,
                business_date Date,
                source {SourceEnum},
                method {PaymentEnum},
                amount_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(business_date)
            ORDER BY (store_id, business_date, source, method)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS daily_counts (
                store_id String,
                business_date Date,
                source {SourceEnum},
                receipt_count UInt32,
                return_count UInt32,
                returns_gross_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(business_date)
            ORDER BY (store_id, business_date, source)
            """,
            """
            CREATE TABLE IF NOT EXISTS home_deliveries (
                store_id String,
                delivery_date Date,
                delivery_key String,
                household_key String,
                locality String,
                distance_m UInt32,
                order_value_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(delivery_date)
            ORDER BY (store_id, delivery_date, delivery_key)
            """,
            """
            CREATE TABLE IF NOT EXISTS ingest_batches (
                store_id String,
                batch_id String,
                received_date Date,
                receipts UInt32,
                daily_totals UInt32,
                home_deliveries UInt32,
                agent_version String,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(received_date)
            ORDER BY (store_id, batch_id)
            """,
        ]),
        new(2, "enrollment codes and store credentials (hashes only)",
        [
            """
            CREATE TABLE IF NOT EXISTS enrollment_codes (
                code_hash String,
                store_id String,
                expires_unix_ms UInt64,
                used UInt8,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY code_hash
            """,
            """
            CREATE TABLE IF NOT EXISTS store_credentials (
                credential_hash String,
                store_id String,
                issued_unix_ms UInt64,
                revoked UInt8,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY credential_hash
            """,
        ]),
        new(3, "daily and hourly aggregates for the index and the dashboards, filled from what is already stored",
        [
            """
            CREATE TABLE IF NOT EXISTS sales_daily (
                store_id String,
                sale_date Date,
                category String,
                vat_rate_bp UInt16,
                gross_ore Int64,
                vat_ore Int64,
                returned_gross_ore Int64,
                quantity_milli Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYear(sale_date)
            ORDER BY (store_id, sale_date, category, vat_rate_bp)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS receipts_hourly (
                store_id String,
                sale_date Date,
                hour UInt8,
                channel {ChannelEnum},
                basket_bucket UInt8,
                receipts UInt32,
                gross_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYear(sale_date)
            ORDER BY (store_id, sale_date, hour, channel, basket_bucket)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS payments_daily (
                store_id String,
                sale_date Date,
                method {PaymentEnum},
                amount_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYear(sale_date)
            ORDER BY (store_id, sale_date, method)
            """,
            Aggregates.SalesDaily("1", "0"),
            Aggregates.ReceiptsHourly("1", "0"),
            Aggregates.PaymentsDaily("1", "0"),
        ]),
        new(4, "dashboard users (password hashes only)",
        [
            """
            CREATE TABLE IF NOT EXISTS users (
                username String,
                password_hash String,
                role Enum8('store_owner' = 1, 'municipality' = 2, 'admin' = 3),
                stores Array(String),
                disabled UInt8,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY username
            """,
        ]),
        new(5, "home-delivery subsidy: the ledger of judged deliveries and the monthly statements",
        [
            """
            CREATE TABLE IF NOT EXISTS subsidy_ledger (
                store_id String,
                delivery_key String,
                delivery_date Date,
                household_key String,
                locality String,
                distance_m UInt32,
                order_value_ore Int64,
                statement_month Date,
                eligible UInt8,
                reason String,
                amount_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYear(statement_month)
            ORDER BY (store_id, delivery_key)
            """,
            """
            CREATE TABLE IF NOT EXISTS subsidy_statements (
                store_id String,
                statement_month Date,
                produced_unix_ms UInt64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY (store_id, statement_month)
            """,
        ]),
        new(6, "forecasts: runs, points with intervals, and backtest metrics per series",
        [
            """
            CREATE TABLE IF NOT EXISTS forecast_points (
                run_id String,
                run_date Date,
                series String,
                method String,
                feature_version String,
                target_date Date,
                horizon UInt16,
                point Float64,
                lower Float64,
                upper Float64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(run_date)
            ORDER BY (series, run_date, target_date)
            """,
            """
            CREATE TABLE IF NOT EXISTS forecast_metrics (
                run_id String,
                run_date Date,
                series String,
                method String,
                feature_version String,
                model_mase Float64,
                model_wape Float64,
                model_coverage80 Float64,
                baseline_mase Float64,
                baseline_wape Float64,
                baseline_coverage80 Float64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMM(run_date)
            ORDER BY (series, run_date)
            """,
        ]),
        new(7, "silent agents: the latest check per store",
        [
            """
            CREATE TABLE IF NOT EXISTS agent_silence (
                store_id String,
                checked_unix_ms UInt64,
                silent UInt8,
                last_upload_unix_ms UInt64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY store_id
            """,
        ]),
        new(8, "the weekly outlook for this year's index and the chance of reaching 60",
        [
            """
            CREATE TABLE IF NOT EXISTS index_outlooks (
                run_date Date,
                year UInt16,
                expected Float64,
                low Float64,
                high Float64,
                probability_60 Float64,
                reported_so_far_kr Float64,
                forecast_rest_kr Float64,
                estimated_stores_kr Float64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY (year, run_date)
            """,
        ]),
        new(9, "home deliveries say whether the store's register marks the household as entitled",
        [
            "ALTER TABLE home_deliveries ADD COLUMN household_registered UInt8 DEFAULT 0",
        ]),
        new(10, "a receipt sent again replaces the earlier one whole: the day aggregates recomputed from each receipt's newest lines and payments",
            [.. Aggregates.All("1", "toUInt64(toUnixTimestamp(now())) * 1000")]),
        new(11, "store owners' consent to share their shop's figures with the municipality: an append-only history (an event sent twice counts once)",
        [
            """
            CREATE TABLE IF NOT EXISTS store_consents (
                store_id String,
                at_ms Int64,
                given UInt8,
                given_by String,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY (store_id, at_ms)
            """,
        ]),
        new(12, "the municipal figures as published (disclosure control applied), for Grafana: one full set per run",
        [
            """
            CREATE TABLE IF NOT EXISTS municipal_figures (
                version UInt64,
                month Date,
                figure String,
                key String,
                value Float64,
                shown UInt8
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY (version, figure, key, month)
            """,
        ]),
        new(13, "service volumes (issue 19): each store's count per day and service kind from its till, kontantuttag with the cash paid out; a day sent again replaces",
        [
            $"""
            CREATE TABLE IF NOT EXISTS service_volumes (
                store_id String,
                service_date Date,
                kind {ServiceKindEnum},
                transactions UInt32,
                amount_ore Int64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYear(service_date)
            ORDER BY (store_id, service_date, kind)
            """,
        ]),
        new(14, "each store's turnover per month, category and VAT rate kept at ingest (issue 20), so a municipality's figures read only its own stores' months; filled from the days already stored",
        [
            SalesIndex.TurnoverMonths.CreateTable,
            SalesIndex.TurnoverMonths.Recompute(_ => "1", "toUInt64(toUnixTimestamp(now())) * 1000"),
        ]),
        new(15, "each municipality's weekly outlook of its own index and the chance of reaching its own target (issue 20: municipalities as tenants); the single municipality's outlooks copied as the first's",
        [
            """
            CREATE TABLE IF NOT EXISTS municipality_outlooks (
                municipality String,
                run_date Date,
                year UInt16,
                expected Float64,
                low Float64,
                high Float64,
                probability_target Float64,
                reported_so_far_kr Float64,
                forecast_rest_kr Float64,
                estimated_stores_kr Float64,
                version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY (municipality, year, run_date)
            """,
            $"""
            INSERT INTO municipality_outlooks
            SELECT '{Tenancy.Municipality.FirstId}', run_date, year, expected, low, high, probability_60, reported_so_far_kr, forecast_rest_kr, estimated_stores_kr, version
            FROM index_outlooks
            """,
        ]),
        new(20, "forecast metrics keep the shown method's own backtest accuracy beside the shown process's (issue 17: the page says the shown method's own error)",
        [
            "ALTER TABLE forecast_metrics ADD COLUMN method_mase Float64 DEFAULT nan",
            "ALTER TABLE forecast_metrics ADD COLUMN method_wape Float64 DEFAULT nan",
            "ALTER TABLE forecast_metrics ADD COLUMN method_coverage80 Float64 DEFAULT nan",
        ]),
    ];

    /// <summary>The contract's service kinds by their one spelling (Contracts.V1.ServiceKindNames), numbered as on the wire.</summary>
    private static string ServiceKindEnum =>
        "Enum8(" + string.Join(", ", Contracts.V1.ServiceKindNames.All.Select(k => $"'{k.Name}' = {(int)k.Kind}")) + ")";
}
