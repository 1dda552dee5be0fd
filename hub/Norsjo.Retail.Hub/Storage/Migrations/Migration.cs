namespace Norsjo.Retail.Hub.Storage.Migrations;

/// <summary>
/// One step of the schema. Statements must be idempotent (IF NOT EXISTS …), so that two hubs
/// starting at once, or a hub stopped half-way through a step, can simply run it again.
/// </summary>
public sealed record Migration(int Version, string Name, IReadOnlyList<string> Statements);
