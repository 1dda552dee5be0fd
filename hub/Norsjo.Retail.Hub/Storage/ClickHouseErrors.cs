using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using ClickHouse.Driver;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>What a ClickHouse error means for the caller.</summary>
public enum ClickHouseFault
{
    /// <summary>The server or cluster cannot answer now (down, overloaded, out of memory, replicas or keeper away): try again later.</summary>
    Outage,

    /// <summary>The server answered and refused the hub's statement (syntax, unknown table or column, types): a bug in the hub, not weather.</summary>
    Query,
}

/// <summary>
/// The one table of ClickHouse error codes the hub tells apart (numbers from ClickHouse's
/// src/Common/ErrorCodes.cpp, the same on 18.16 and current releases). Listed as outages: the codes a
/// retry can cure. Every other code ClickHouse itself answers with is the hub's query at fault; an
/// error whose text is not ClickHouse's own ("Code: N") came from something between, so it counts
/// as an outage.
/// </summary>
public static partial class ClickHouseErrors
{
    private static readonly FrozenDictionary<int, (string Name, ClickHouseFault Fault)> Codes = new Dictionary<int, (string, ClickHouseFault)>
    {
        // Too slow, too busy, too little memory or disk: the server is there but cannot serve now.
        [159] = ("TIMEOUT_EXCEEDED", ClickHouseFault.Outage),
        [160] = ("TOO_SLOW", ClickHouseFault.Outage),
        [173] = ("CANNOT_ALLOCATE_MEMORY", ClickHouseFault.Outage),
        [201] = ("QUOTA_EXCEEDED", ClickHouseFault.Outage),
        [202] = ("TOO_MANY_SIMULTANEOUS_QUERIES", ClickHouseFault.Outage),
        [203] = ("NO_FREE_CONNECTION", ClickHouseFault.Outage),
        [241] = ("MEMORY_LIMIT_EXCEEDED", ClickHouseFault.Outage),
        [243] = ("NOT_ENOUGH_SPACE", ClickHouseFault.Outage),
        [252] = ("TOO_MANY_PARTS", ClickHouseFault.Outage),
        [394] = ("QUERY_WAS_CANCELLED", ClickHouseFault.Outage),
        [236] = ("ABORTED", ClickHouseFault.Outage),

        // The network between the server and its peers (Distributed tables, replicas).
        [32] = ("ATTEMPT_TO_READ_AFTER_EOF", ClickHouseFault.Outage),
        [198] = ("DNS_ERROR", ClickHouseFault.Outage),
        [209] = ("SOCKET_TIMEOUT", ClickHouseFault.Outage),
        [210] = ("NETWORK_ERROR", ClickHouseFault.Outage),
        [279] = ("ALL_CONNECTION_TRIES_FAILED", ClickHouseFault.Outage),
        [1000] = ("POCO_EXCEPTION", ClickHouseFault.Outage),

        // Replicas and their keeper (ZooKeeper, ClickHouse Keeper).
        [225] = ("NO_ZOOKEEPER", ClickHouseFault.Outage),
        [242] = ("TABLE_IS_READ_ONLY", ClickHouseFault.Outage),
        [285] = ("TOO_FEW_LIVE_REPLICAS", ClickHouseFault.Outage),
        [286] = ("UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE", ClickHouseFault.Outage),
        [319] = ("UNKNOWN_STATUS_OF_INSERT", ClickHouseFault.Outage),
        [999] = ("KEEPER_EXCEPTION", ClickHouseFault.Outage),

        // The hub's own statements at fault: named here so the log says what, the rest by number only.
        [6] = ("CANNOT_PARSE_TEXT", ClickHouseFault.Query),
        [27] = ("CANNOT_PARSE_INPUT_ASSERTION_FAILED", ClickHouseFault.Query),
        [36] = ("BAD_ARGUMENTS", ClickHouseFault.Query),
        [42] = ("NUMBER_OF_ARGUMENTS_DOESNT_MATCH", ClickHouseFault.Query),
        [43] = ("ILLEGAL_TYPE_OF_ARGUMENT", ClickHouseFault.Query),
        [46] = ("UNKNOWN_FUNCTION", ClickHouseFault.Query),
        [47] = ("UNKNOWN_IDENTIFIER", ClickHouseFault.Query),
        [53] = ("TYPE_MISMATCH", ClickHouseFault.Query),
        [60] = ("UNKNOWN_TABLE", ClickHouseFault.Query),
        [62] = ("SYNTAX_ERROR", ClickHouseFault.Query),
        [70] = ("CANNOT_CONVERT_TYPE", ClickHouseFault.Query),
        [81] = ("UNKNOWN_DATABASE", ClickHouseFault.Query),
        [115] = ("UNKNOWN_SETTING", ClickHouseFault.Query),
        [184] = ("ILLEGAL_AGGREGATION", ClickHouseFault.Query),
        [215] = ("NOT_AN_AGGREGATE", ClickHouseFault.Query),
        [386] = ("NO_COMMON_TYPE", ClickHouseFault.Query),
    }.ToFrozenDictionary();

    /// <summary>Outage or the hub's query, for any ClickHouse server error.</summary>
    public static ClickHouseFault FaultOf(ClickHouseServerException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return CodeOf(e) is { } code
            ? Codes.TryGetValue(code, out var known) ? known.Fault : ClickHouseFault.Query
            : ClickHouseFault.Outage;
    }

    /// <summary>"62 SYNTAX_ERROR": the code and its name, for a log line; never the server's text, which quotes the statement and its values.</summary>
    public static string Describe(ClickHouseServerException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return CodeOf(e) is { } code
            ? code.ToString(CultureInfo.InvariantCulture) + " " + (Codes.TryGetValue(code, out var known) ? known.Name : "(no name in the hub's table)")
            : "no ClickHouse error code";
    }

    /// <summary>
    /// The code from ClickHouse's own text: "Code: 62. DB::Exception: …" (current releases) or
    /// "Code: 62, e.displayText() = …" (18.16), at the start or after the marker of an error in the
    /// middle of a stream. The driver's <see cref="System.Data.Common.DbException.ErrorCode"/> takes the
    /// first digits of any body, a proxy's "502 Bad Gateway" page too, so it is not used.
    /// </summary>
    private static int? CodeOf(ClickHouseServerException e) =>
        ServerCode().Match(e.Message) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;

    [GeneratedRegex(@"(?:^|\n)\s*Code: (\d+)[.,]")]
    private static partial Regex ServerCode();
}
