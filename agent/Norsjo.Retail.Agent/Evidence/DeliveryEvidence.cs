using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Sources;

namespace Norsjo.Retail.Agent.Evidence;

/// <summary>
/// The store's own evidence for the home-delivery subsidy: who each delivery went to, as the till
/// knows it (customer number, name, address), beside the keys the hub sees. It is personal data, so
/// it lives in its own file (<c>evidence.db</c>, readable by the agent's user only), is never put in
/// the outbox and never sent; `evidence` prints it, on this machine only, for the municipality's audit.
/// </summary>
public sealed class DeliveryEvidence(string dataDirectory, ReceiptAnonymiser anonymiser)
{
    public const string FileName = "evidence.db";

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDirectory, FileName),
        Mode = SqliteOpenMode.ReadWriteCreate,
    }.ToString();

    private bool _created;

    /// <summary>Keeps the delivery of a home-delivery receipt; the same delivery again replaces itself.</summary>
    public void Record(PosReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Delivery is not { } delivery || anonymiser.AnonymiseDelivery(receipt) is not { } keys)
        {
            return;
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO deliveries (delivery_key, delivery_date, receipt_number, household, household_key, locality, distance_m, order_value_ore)
            VALUES ($key, $date, $receipt, $household, $householdKey, $locality, $distance, $value)
            """;
        command.Parameters.AddWithValue("$key", keys.DeliveryKey);
        command.Parameters.AddWithValue("$date", DateOnly.FromDateTime(receipt.LocalTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$receipt", receipt.ReceiptNumber);
        command.Parameters.AddWithValue("$household", delivery.Household);
        command.Parameters.AddWithValue("$householdKey", keys.HouseholdKey);
        command.Parameters.AddWithValue("$locality", delivery.Locality);
        command.Parameters.AddWithValue("$distance", delivery.DistanceM);
        command.Parameters.AddWithValue("$value", keys.OrderValueOre);
        command.ExecuteNonQuery();
    }

    /// <summary>The month's deliveries as CSV, with the keys that match the hub's statement lines.</summary>
    public string Csv(DateOnly month)
    {
        var from = new DateOnly(month.Year, month.Month, 1);
        var to = from.AddMonths(1).AddDays(-1);
        var csv = new StringBuilder("datum;kvitto;hushall;ort;avstand_km;ordervarde_kr;leveransnyckel;hushallsnyckel\n");
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT delivery_date, receipt_number, household, locality, distance_m, order_value_ore, delivery_key, household_key FROM deliveries WHERE delivery_date BETWEEN $from AND $to ORDER BY delivery_date, receipt_number";
        command.Parameters.AddWithValue("$from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{reader.GetString(0)};{reader.GetString(1)};{Field(reader.GetString(2))};{reader.GetString(3)};{reader.GetInt32(4) / 1000m:0.0##};{reader.GetInt64(5) / 100m:0.00};{reader.GetString(6)};{reader.GetString(7)}\n");
        }

        return csv.ToString();
    }

    private static string Field(string text) => text.Contains(';', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
        ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : text;

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var cache = connection.CreateCommand())
        {
            cache.CommandText = Outbox.SqliteCache.Pragma;
            cache.ExecuteNonQuery();
        }

        if (!_created)
        {
            using var create = connection.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS deliveries (
                    delivery_key TEXT PRIMARY KEY,
                    delivery_date TEXT NOT NULL,
                    receipt_number TEXT NOT NULL,
                    household TEXT NOT NULL,
                    household_key TEXT NOT NULL,
                    locality TEXT NOT NULL,
                    distance_m INTEGER NOT NULL,
                    order_value_ore INTEGER NOT NULL
                );
                """;
            create.ExecuteNonQuery();
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(Path.GetDirectoryName(connection.DataSource)!, FileName), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            _created = true;
        }

        return connection;
    }
}
