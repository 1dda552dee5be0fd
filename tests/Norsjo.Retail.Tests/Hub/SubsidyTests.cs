using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Norsjo.Retail.Contracts.V1;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.Storage;
using Norsjo.Retail.Hub.Subsidy;
using Norsjo.Retail.Hub.Users;
using Norsjo.Retail.Tests.Support;

namespace Norsjo.Retail.Tests.Hub;

/// <summary>The home-delivery subsidy on a real hub and ClickHouse: rules, ledger, statements, claim.</summary>
[Collection(ClickHouseGroup.Name)]
public sealed class SubsidyTests(ClickHouseServerFixture clickHouse)
{
    private const string Rules = """
        subsidy:
          state_share: 0.5
          state_cap_per_delivery_kr: 100
          claim_threshold_kr: 200
          rules:
            - { valid_from: 2025-01-01, amount_kr: 150, min_distance_km: 2, max_per_household_per_week: 1 }
            - { valid_from: 2026-07-01, amount_kr: 175, min_distance_km: 2.5, max_per_household_per_week: 1 }
            - { valid_from: 2026-09-01, amount_kr: 175, min_distance_km: 2.5, max_per_household_per_week: 1, registered_households_only: true }
        """;

    private static HomeDelivery Delivery(string key, DateOnly date, string household, int distanceM, bool registered = true) => new()
    {
        HouseholdRegistered = registered,
        DeliveryKey = key,
        Date = new LocalDate { Year = date.Year, Month = date.Month, Day = date.Day },
        HouseholdKey = household,
        Locality = "Kusfors",
        DistanceM = distanceM,
        OrderValueOre = 40_000,
    };

    private static async Task SendAsync(RunningHub hub, string store, string credential, string batchId, params HomeDelivery[] deliveries)
    {
        using var channel = hub.Channel();
        var batch = new UploadBatchRequest { BatchId = batchId, StoreId = store };
        batch.HomeDeliveries.AddRange(deliveries);
        await new Contracts.V1.Ingest.IngestClient(channel).UploadBatchAsync(batch, RunningHub.Credential(credential));
    }

    [Fact]
    public async Task Deliveries_are_judged_by_the_rule_of_their_day_statements_are_stable_and_late_ones_are_corrected_next_month()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { RegistryExtra = Rules }, "butik-a", "butik-b");
        var credential = await hub.EnrollAsync("butik-a");
        await SendAsync(hub, "butik-a", credential, "d-1",
            Delivery("d1", new DateOnly(2026, 3, 2), "h1", 2_000),   // exactly the minimum distance: eligible
            Delivery("d2", new DateOnly(2026, 3, 3), "h1", 3_000),   // same household, same ISO week
            Delivery("d3", new DateOnly(2026, 3, 4), "h2", 1_999),   // one metre too close
            Delivery("d4", new DateOnly(2026, 7, 1), "h1", 2_400),   // far enough by the old rule, not by the new
            Delivery("d5", new DateOnly(2026, 7, 2), "h3", 2_600),   // the new rule's amount
            Delivery("d6", new DateOnly(2025, 12, 31), "h4", 5_000), // New Year: 2025-12-31 and 2026-01-01 are one ISO week (2026-W01)
            Delivery("d7", new DateOnly(2026, 1, 1), "h4", 5_000));
        var ledger = hub.Services.GetRequiredService<SubsidyLedger>();

        foreach (var month in new[] { new DateOnly(2025, 12, 1), new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 1) })
        {
            Assert.Equal(2, await ledger.ProduceAsync(month));
        }

        var march = await ledger.StatementAsync("butik-a", new DateOnly(2026, 3, 1));
        Assert.Equal((3, 1, 2, 150m), (march.Deliveries, march.Eligible, march.Rejected, march.AmountDueKr));
        Assert.Equal(["Godkänd", "Hushållet har redan 1 leverans(er) vecka 2026-W10", "För nära butiken (1,999 km, minst 2,0 km)"], march.Lines.Select(l => l.Reason));
        var january = await ledger.StatementAsync("butik-a", new DateOnly(2026, 1, 1));
        Assert.Equal("Hushållet har redan 1 leverans(er) vecka 2026-W01", Assert.Single(january.Lines).Reason);

        // Again: nothing new, the same statement.
        Assert.Equal(0, await ledger.ProduceAsync(new DateOnly(2026, 3, 1)));
        Assert.Equivalent(march, await ledger.StatementAsync("butik-a", new DateOnly(2026, 3, 1)), strict: true);

        // A delivery of 5 March arrives after March's statement: it is judged in April's, marked as a correction.
        await SendAsync(hub, "butik-a", credential, "d-2", Delivery("d8", new DateOnly(2026, 3, 5), "h5", 3_000));
        Assert.Equal(2, await ledger.ProduceAsync(new DateOnly(2026, 4, 1)));
        var april = await ledger.StatementAsync("butik-a", new DateOnly(2026, 4, 1));
        var late = Assert.Single(april.Lines);
        Assert.True(late.Correction);
        Assert.Equal((1, 150m), (april.Corrections, april.AmountDueKr));
        Assert.Equivalent(march, await ledger.StatementAsync("butik-a", new DateOnly(2026, 3, 1)), strict: true);

        Assert.Equal(2, await ledger.ProduceAsync(new DateOnly(2026, 7, 1)));
        var july = await ledger.StatementAsync("butik-a", new DateOnly(2026, 7, 1));
        Assert.Equal(["För nära butiken (2,4 km, minst 2,5 km)", "Godkänd"], july.Lines.Select(l => l.Reason));
        Assert.Equal(175m, july.AmountDueKr);

        // 2026 so far: d1 150, d7 rejected, d8 150, d5 175 → net cost 475; half 237.50; cap 100+100+100 = 300 → claim 237.50.
        var claim = await ledger.ClaimAsync(2026);
        Assert.Equal((3, 475m, 237.50m, 300m, true, 237.50m), (claim.EligibleDeliveries, claim.NetCostKr, claim.HalfOfNetCostKr, claim.CapTotalKr, claim.AboveThreshold, claim.ClaimKr));
        // From September only households the store's register marks as entitled.
        await SendAsync(hub, "butik-a", credential, "d-3",
            Delivery("d9", new DateOnly(2026, 9, 10), "h6", 8_000, registered: false),
            Delivery("d10", new DateOnly(2026, 9, 11), "h7", 8_000));
        Assert.Equal(2, await ledger.ProduceAsync(new DateOnly(2026, 9, 1)));
        var september = await ledger.StatementAsync("butik-a", new DateOnly(2026, 9, 1));
        Assert.Equal(["Hushållet är inte registrerat som berättigat", "Godkänd"], september.Lines.Select(l => l.Reason));
        Assert.Equal(1, september.RejectedByReason["hushåll inte registrerat"]);

        var claim2025 = await ledger.ClaimAsync(2025);
        Assert.Equal((150m, false, 0m), (claim2025.NetCostKr, claim2025.AboveThreshold, claim2025.ClaimKr));
    }

    [Fact]
    public async Task A_past_month_and_a_past_year_keep_the_facts_that_held_then_after_a_store_left_and_the_terms_changed()
    {
        // Today is 4 May 2026; the deliveries are from November 2025 to March 2026.
        var clock = new FixedClock(new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.FromHours(2)));
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { RegistryExtra = Rules, Clock = clock }, "butik-a", "butik-b");
        await SendAsync(hub, "butik-b", await hub.EnrollAsync("butik-b"), "d-1",
            Delivery("d1", new DateOnly(2025, 11, 3), "h1", 3_000),
            Delivery("d2", new DateOnly(2025, 12, 1), "h1", 3_000),
            Delivery("d3", new DateOnly(2026, 3, 2), "h1", 3_000));
        var facts = hub.Services.GetRequiredService<RegistryFacts>();
        var ledger = hub.Services.GetRequiredService<SubsidyLedger>();
        Assert.Equal(2, await ledger.ProduceAsync(new DateOnly(2025, 11, 1)));
        Assert.Equal(2, await ledger.ProduceAsync(new DateOnly(2025, 12, 1)));

        // From today: butik-b has left the registry, the state pays a smaller share with a lower cap, and a new rule pays 200 kr.
        Assert.True(await facts.ChangeAsync(new RegistryItem(RegistryYaml.Store, "butik-b", string.Empty), null, "kommunen"));
        Assert.True(await facts.ChangeAsync(new RegistryItem(RegistryYaml.SubsidySettings, string.Empty,
            "  state_share: 0.3\n  state_cap_per_delivery_kr: 50\n  claim_threshold_kr: 200\n"), null, "kommunen"));
        Assert.True(await facts.ChangeAsync(new RegistryItem(RegistryYaml.SubsidyRule, "2026-05-04",
            "    - valid_from: 2026-05-04\n      amount_kr: 200\n      min_distance_km: 2\n      max_per_household_per_week: 1\n"), null, "kommunen"));
        Assert.Null(facts.Current.Find("butik-b"));

        // March's statement, produced now, still has butik-b, judged by March's rule ...
        Assert.Equal(2, await ledger.ProduceAsync(new DateOnly(2026, 3, 1)));
        var march = await ledger.StatementAsync("butik-b", new DateOnly(2026, 3, 1));
        Assert.Equal((true, 1, 150m), (march.Produced, march.Eligible, march.AmountDueKr));
        // ... and May's, the month it left in, has not.
        Assert.Equal(1, await ledger.ProduceAsync(new DateOnly(2026, 5, 1)));

        // 2025's claim with 2025's terms: net 300 kr, half 150, cap 2 × 100 = 200 → 150 (the new terms would give 0.3 × 300 = 90).
        var claim2025 = await ledger.ClaimAsync(2025);
        Assert.Equal((300m, 0.5m, 200m, 150m), (claim2025.NetCostKr, claim2025.StateShare, claim2025.CapTotalKr, claim2025.ClaimKr));
        Assert.Equal(0.3m, (await ledger.ClaimAsync(2026)).StateShare);
    }

    [Fact]
    public async Task Statements_are_served_to_the_owner_and_the_municipality_as_JSON_CSV_and_a_printable_page()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings { RegistryExtra = Rules }, "butik-a", "butik-b");
        await SendAsync(hub, "butik-a", await hub.EnrollAsync("butik-a"), "d-1", Delivery("d1", new DateOnly(2026, 10, 5), "hushall-7731", 3_000));
        var users = hub.Services.GetRequiredService<UserStore>();
        await users.SaveAsync("agare-a", "ett-langt-losenord", UserRole.StoreOwner, ["butik-a"]);
        await users.SaveAsync("agare-b", "ett-langt-losenord", UserRole.StoreOwner, ["butik-b"]);
        await users.SaveAsync("kommunen", "ett-langt-losenord", UserRole.Municipality, []);
        await users.SaveAsync("admin", "ett-langt-losenord", UserRole.Admin, []);
        async Task<HttpClient> As(string user)
        {
            var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = hub.HttpUrl };
            (await http.PostAsJsonAsync("/api/login", new { username = user, password = "ett-langt-losenord" })).EnsureSuccessStatusCode();
            return http;
        }

        using var admin = await As("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri("/api/admin/subsidy/2026-10/produce", UriKind.Relative), null)).StatusCode);
        using var owner = await As("agare-a");
        var statement = await owner.GetFromJsonAsync<JsonElement>("/api/stores/butik-a/subsidy/2026-10");
        // October 2026 falls under the rule from 1 July: 175 kr.
        Assert.Equal(175m, statement.GetProperty("amountDueKr").GetDecimal());
        var csv = await owner.GetStringAsync(new Uri("/api/stores/butik-a/subsidy/2026-10/csv", UriKind.Relative));
        Assert.Equal("d1;2026-10-05;2026-W41;Kusfors;3;ja;Godkänd;175,00;nej", csv.Split('\n')[1]);
        var page = await owner.GetStringAsync(new Uri("/api/stores/butik-a/subsidy/2026-10/print", UriKind.Relative));
        Assert.Contains("Hemsändningsbidrag", page, StringComparison.Ordinal);
        Assert.Contains("175,00 kr", page, StringComparison.Ordinal);
        Assert.DoesNotContain("hushall-7731", page, StringComparison.Ordinal);
        Assert.DoesNotContain("hushall-7731", csv, StringComparison.Ordinal);

        using var otherOwner = await As("agare-b");
        Assert.Equal(HttpStatusCode.Forbidden, (await otherOwner.GetAsync(new Uri("/api/stores/butik-a/subsidy/2026-10", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostAsync(new Uri("/api/admin/subsidy/2026-10/produce", UriKind.Relative), null)).StatusCode);
        using var municipality = await As("kommunen");
        Assert.Equal(175m, (await municipality.GetFromJsonAsync<JsonElement>("/api/stores/butik-a/subsidy/2026-10")).GetProperty("amountDueKr").GetDecimal());
        var all = await municipality.GetFromJsonAsync<JsonElement>("/api/municipality/subsidy/2026-10");
        Assert.Equal([175m, 0m], all.EnumerateArray().Select(s => s.GetProperty("amountDueKr").GetDecimal()));
        Assert.Equal(HttpStatusCode.BadRequest, (await municipality.GetAsync(new Uri("/api/stores/butik-a/subsidy/2031-01", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await municipality.GetAsync(new Uri("/api/municipality/subsidy/claim/2026", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_monthly_job_runs_through_Hangfire_on_its_real_storage_and_its_statements_land_in_ClickHouse()
    {
        await using var hub = await RunningHub.StartAsync(clickHouse.Url, new HubSettings(ExtraArgs: ["--Jobs:Enabled=true"]) { RegistryExtra = Rules }, "butik-a");
        var today = Norsjo.Retail.Hub.Api.ApiRequest.Today(TimeProvider.System);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        await SendAsync(hub, "butik-a", await hub.EnrollAsync("butik-a"), "d-1", Delivery("d1", lastMonth.AddDays(3), "h1", 3_000));

        hub.Services.GetRequiredService<IRecurringJobManager>().Trigger(Norsjo.Retail.Hub.Jobs.JobsExtensions.SubsidyStatementsJob);

        await Eventually.WaitUntilAsync(() => hub.Database.QueryAsync<Month>(
                $"SELECT toString(statement_month) AS Value FROM subsidy_statements WHERE statement_month = {SqlLiteral.Date(lastMonth)}").GetAwaiter().GetResult().Count == 1,
            "the job produced last month's statement");
        var statement = await hub.Services.GetRequiredService<SubsidyLedger>().StatementAsync("butik-a", lastMonth);
        Assert.Equal(lastMonth >= new DateOnly(2026, 7, 1) ? 175m : 150m, statement.AmountDueKr);
        using var anonymous = new HttpClient { BaseAddress = hub.HttpUrl };
        var dashboard = await anonymous.GetAsync(new Uri("/hangfire", UriKind.Relative));
        Assert.True(dashboard.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"the Hangfire dashboard answered {dashboard.StatusCode} to an anonymous caller");
    }

    private sealed record Month(string Value);
}
