namespace Norsjo.Retail.Hub.Operational;

/// <summary>
/// The operational store's numbered steps, applied once each and recorded in operational_migrations.
/// Only the few words that differ between SQLite and PostgreSQL are chosen per dialect, so both get
/// the same tables. Add steps at the end; never edit one that has shipped.
/// </summary>
internal static class OperationalSchema
{
    public sealed record Step(int Version, string Name, Func<OperationalDialect, string[]> Statements);

    /// <summary>The step recorded once the old ClickHouse tables have been copied (see <see cref="ClickHouseImport"/>).</summary>
    public const int ClickHouseImportVersion = 1000;

    /// <summary>The step recorded once the old ClickHouse consent log has been copied (see Disclosure/StoreConsents.cs).</summary>
    public const int ConsentImportVersion = 1001;

    /// <summary>The step recorded once the registry file has seeded the registry's facts (see Registry/RegistryFacts.cs).</summary>
    public const int RegistrySeedVersion = 1004;

    /// <summary>The step recorded once the service points' seed file has filled the kommunöversikt (see ServicePoints/ServicePointStore.cs).</summary>
    public const int ServicePointSeedVersion = 1020;

    /// <summary>The kinds of municipality_seeds (from step 30): the registry file, the service points' file.</summary>
    public const string RegistrySeedKind = "registry";

    public const string ServicePointSeedKind = "service-points";

    public static readonly IReadOnlyList<Step> Steps =
    [
        new(1, "users, sessions, store credentials, enrollment codes, sign-in failures, data-protection keys", d =>
        [
            """
            CREATE TABLE users (
                username TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                stores TEXT NOT NULL,
                disabled INTEGER NOT NULL,
                changed_unix_ms BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE sessions (
                session_hash TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                created_unix_ms BIGINT NOT NULL,
                expires_unix_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sessions_by_user ON sessions (username)",
            """
            CREATE TABLE store_credentials (
                credential_hash TEXT PRIMARY KEY,
                store_id TEXT NOT NULL,
                issued_unix_ms BIGINT NOT NULL,
                revoked INTEGER NOT NULL,
                revoked_unix_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX store_credentials_by_store ON store_credentials (store_id)",
            """
            CREATE TABLE enrollment_codes (
                code_hash TEXT PRIMARY KEY,
                store_id TEXT NOT NULL,
                expires_unix_ms BIGINT NOT NULL,
                used INTEGER NOT NULL,
                used_unix_ms BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE sign_in_failures (
                subject TEXT NOT NULL,
                at_unix_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sign_in_failures_by_subject ON sign_in_failures (subject, at_unix_ms)",
            $"""
            CREATE TABLE data_protection_keys (
                id {d.AutoIncrementKey()},
                friendly_name TEXT,
                xml TEXT NOT NULL
            )
            """,
        ]),
        new(2, "store owners' consents (an append-only history) and the municipal months as published (frozen, revised only as the rule allows)", d =>
        [
            $"""
            CREATE TABLE store_consents (
                id {d.AutoIncrementKey()},
                store_id TEXT NOT NULL,
                given INTEGER NOT NULL,
                given_by TEXT NOT NULL,
                at_unix_ms BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX store_consents_event ON store_consents (store_id, at_unix_ms)",
            """
            CREATE TABLE published_months (
                month TEXT NOT NULL,
                version INTEGER NOT NULL,
                published_unix_ms BIGINT NOT NULL,
                content TEXT NOT NULL,
                PRIMARY KEY (month, version)
            )
            """,
        ]),
        new(3, "ingest refusals: what the hub refused of a store's batches, per item, with the reason (Ingest/IngestRefusals.cs)", _ =>
        [
            // Append-only; one row per refused item and reason (an agent that sends it again adds nothing).
            // No personal data: the item's keyed hash, its date, the field and the validator's reason.
            """
            CREATE TABLE ingest_refusals (
                store_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                item_key TEXT NOT NULL,
                item_date TEXT NOT NULL,
                field TEXT NOT NULL,
                reason TEXT NOT NULL,
                batch_id TEXT NOT NULL,
                refused_unix_ms BIGINT NOT NULL,
                PRIMARY KEY (store_id, kind, item_key, reason)
            )
            """,
            "CREATE INDEX ingest_refusals_by_store ON ingest_refusals (store_id, refused_unix_ms)",
        ]),
        new(4, "the registry's facts (stores, years with sources, category mapping, subsidy rules), every change a row (Registry/RegistryFacts.cs)", d =>
        [
            // Append-only: an item (kind + key) holds from valid_from as its latest row says; yaml is the
            // item in the registry file's format (empty: removed), old_yaml what held before, for the history.
            $"""
            CREATE TABLE registry_changes (
                id {d.AutoIncrementKey()},
                kind TEXT NOT NULL,
                item_key TEXT NOT NULL,
                valid_from TEXT NOT NULL,
                yaml TEXT NOT NULL,
                old_yaml TEXT NOT NULL,
                changed_by TEXT NOT NULL,
                changed_unix_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX registry_changes_by_item ON registry_changes (kind, item_key, valid_from)",
        ]),
        new(10, "agents' own health: the latest each store's agent reported, with a batch or a heartbeat (AgentHealth/AgentHealthStore.cs)", _ =>
        [
            // One row per store, replaced by each report: the latest state is what the admin and the silence check need.
            """
            CREATE TABLE agent_health (
                store_id TEXT PRIMARY KEY,
                agent_version TEXT NOT NULL,
                measured_unix_ms BIGINT NOT NULL,
                queue_items INTEGER NOT NULL,
                queue_capacity INTEGER NOT NULL,
                oldest_item_age_seconds BIGINT NOT NULL,
                last_upload_unix_ms BIGINT NOT NULL,
                refused INTEGER NOT NULL,
                damaged_items INTEGER NOT NULL,
                error_files INTEGER NOT NULL,
                error_lines INTEGER NOT NULL,
                failed_attempts INTEGER NOT NULL,
                last_failure_unix_ms BIGINT NOT NULL,
                last_failure TEXT NOT NULL,
                received_unix_ms BIGINT NOT NULL,
                last_heartbeat_unix_ms BIGINT NOT NULL,
                last_batch_unix_ms BIGINT NOT NULL
            )
            """,
        ]),
        new(11, "agents' connection log: one row per store and complete day, the first report of a day kept (AgentHealth/ConnectionLogs.cs)", _ =>
        [
            """
            CREATE TABLE connection_days (
                store_id TEXT NOT NULL,
                day TEXT NOT NULL,
                observed_minutes INTEGER NOT NULL,
                offline_minutes INTEGER NOT NULL,
                longest_outage_minutes INTEGER NOT NULL,
                outages INTEGER NOT NULL,
                round_trips INTEGER NOT NULL,
                round_trip_median_ms INTEGER NOT NULL,
                round_trip_p95_ms INTEGER NOT NULL,
                received_unix_ms BIGINT NOT NULL,
                PRIMARY KEY (store_id, day)
            )
            """,
        ]),
        new(12, "the silence check's state per store (sänder, kan inte skicka, tyst, stängt), beside ClickHouse's agent_silence (Operations/SilentAgents.cs)", _ =>
        [
            """
            CREATE TABLE agent_states (
                store_id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                checked_unix_ms BIGINT NOT NULL
            )
            """,
        ]),
        new(20, "the kommunöversikt's service points, every change a row: an edit, a confirmation or a removal (ServicePoints/ServicePointStore.cs)", d =>
        [
            // Append-only: a point holds what its latest edit says (entry: JSON; empty on removal); the
            // latest edit or confirmation says when it was last confirmed and by whom. Service watch
            // (what a village gained or lost, and when) is read from these rows.
            $"""
            CREATE TABLE service_point_changes (
                id {d.AutoIncrementKey()},
                point_id TEXT NOT NULL,
                action TEXT NOT NULL,
                entry TEXT NOT NULL,
                changed_by TEXT NOT NULL,
                changed_unix_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX service_point_changes_by_point ON service_point_changes (point_id, id)",
        ]),
        new(21, "distances between villages as the municipality gives them, road km, one row per pair (ServicePoints/ServicePointStore.cs)", _ =>
        [
            """
            CREATE TABLE village_distances (
                village_a TEXT NOT NULL,
                village_b TEXT NOT NULL,
                distance_m INTEGER NOT NULL,
                changed_by TEXT NOT NULL,
                changed_unix_ms BIGINT NOT NULL,
                PRIMARY KEY (village_a, village_b)
            )
            """,
        ]),
        new(30, "municipalities as tenants: every municipality-wide row names its municipality; what an installation held before is its first municipality's (Tenancy/)", _ =>
        [
            // The rows a single-municipality hub wrote are its one municipality's (Municipality.FirstId).
            $"ALTER TABLE registry_changes ADD COLUMN municipality TEXT NOT NULL DEFAULT '{Tenancy.Municipality.FirstId}'",
            "CREATE INDEX registry_changes_by_municipality ON registry_changes (municipality, id)",
            // Users: a municipality's staff see only their municipality; store owners and admins keep the first one (their stores say the rest).
            $"ALTER TABLE users ADD COLUMN municipality TEXT NOT NULL DEFAULT '{Tenancy.Municipality.FirstId}'",
            $"ALTER TABLE service_point_changes ADD COLUMN municipality TEXT NOT NULL DEFAULT '{Tenancy.Municipality.FirstId}'",
            // Keys that were one municipality's are now per municipality: the tables are made anew with it in the key and the rows copied.
            """
            CREATE TABLE published_months_by_municipality (
                municipality TEXT NOT NULL,
                month TEXT NOT NULL,
                version INTEGER NOT NULL,
                published_unix_ms BIGINT NOT NULL,
                content TEXT NOT NULL,
                PRIMARY KEY (municipality, month, version)
            )
            """,
            $"INSERT INTO published_months_by_municipality (municipality, month, version, published_unix_ms, content) SELECT '{Tenancy.Municipality.FirstId}', month, version, published_unix_ms, content FROM published_months",
            "DROP TABLE published_months",
            "ALTER TABLE published_months_by_municipality RENAME TO published_months",
            """
            CREATE TABLE village_distances_by_municipality (
                municipality TEXT NOT NULL,
                village_a TEXT NOT NULL,
                village_b TEXT NOT NULL,
                distance_m INTEGER NOT NULL,
                changed_by TEXT NOT NULL,
                changed_unix_ms BIGINT NOT NULL,
                PRIMARY KEY (municipality, village_a, village_b)
            )
            """,
            $"INSERT INTO village_distances_by_municipality (municipality, village_a, village_b, distance_m, changed_by, changed_unix_ms) SELECT '{Tenancy.Municipality.FirstId}', village_a, village_b, distance_m, changed_by, changed_unix_ms FROM village_distances",
            "DROP TABLE village_distances",
            "ALTER TABLE village_distances_by_municipality RENAME TO village_distances",
            // Which municipality's seed files have filled the store (before: one marker row each in operational_migrations).
            """
            CREATE TABLE municipality_seeds (
                municipality TEXT NOT NULL,
                kind TEXT NOT NULL,
                seeded_unix_ms BIGINT NOT NULL,
                PRIMARY KEY (municipality, kind)
            )
            """,
            $"INSERT INTO municipality_seeds (municipality, kind, seeded_unix_ms) SELECT '{Tenancy.Municipality.FirstId}', '{RegistrySeedKind}', applied_unix_ms FROM operational_migrations WHERE version = {RegistrySeedVersion}",
            $"INSERT INTO municipality_seeds (municipality, kind, seeded_unix_ms) SELECT '{Tenancy.Municipality.FirstId}', '{ServicePointSeedKind}', applied_unix_ms FROM operational_migrations WHERE version = {ServicePointSeedVersion}",
        ]),
    ];
}

public enum OperationalDialect
{
    Sqlite,
    PostgreSql,
}

internal static class OperationalDialectSql
{
    public static string AutoIncrementKey(this OperationalDialect dialect) => dialect == OperationalDialect.Sqlite
        ? "INTEGER PRIMARY KEY AUTOINCREMENT"
        : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
}
