using System.Text.Json;
using System.Text.Json.Serialization;
using Norsjo.Retail.Agent.Outbox;

namespace Norsjo.Retail.Agent.Hosting;

// The agent's JSON files, with their (de)serialisers generated at compile time: no reflection, so
// the same code runs in the native (AOT) build. Each keeps the naming its files have always had.

/// <summary>enrollment.json: property names as they are (StoreId, Credential).</summary>
[JsonSerializable(typeof(Enrollment))]
internal sealed partial class EnrollmentJson : JsonSerializerContext
{
}

/// <summary>outbox-recoveries.jsonl: web naming (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OutboxRecoveryReport))]
internal sealed partial class RecoveryJson : JsonSerializerContext
{
}
