using System.Globalization;
using System.Text;
using Norsjo.Retail.DemoTill;
using Norsjo.Retail.Hub.Registry;

// Usage: DemoTill --out <export folder> [--registry registry.yaml] [--days 14] [--seed 1] [--shop norsjo-livs]
//                 [--receipts-per-day 120] [--every-seconds 0]
// Writes one export per past day (weekdays, paydays, summer guests, Christmas, the food-VAT step and
// closed holidays as DemoSeasons has them, inside the shop's opening hours from the registry), then
// (with --every-seconds) a small export at that pace until stopped, while the shop is open.
var options = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
string Option(string name, string fallback) => options.GetValueOrDefault(name, fallback);
var folder = Option("out", "exports");
var days = int.Parse(Option("days", "14"), CultureInfo.InvariantCulture);
var every = int.Parse(Option("every-seconds", "0"), CultureInfo.InvariantCulture);
// The hub's own registry file, read by the hub's own reader: the till sells only when the registry says the shop is open.
var registry = options.TryGetValue("registry", out var registryPath) ? RegistryFile.Load(registryPath) : null;
var shop = DemoShop.Find(options.GetValueOrDefault("shop"), int.Parse(Option("receipts-per-day", "120"), CultureInfo.InvariantCulture), registry);
var till = new DemoHistory(shop, new Random(int.Parse(Option("seed", "1"), CultureInfo.InvariantCulture)));
Directory.CreateDirectory(folder);

var today = DateOnly.FromDateTime(DemoHistory.LocalTime(DateTimeOffset.UtcNow));
var written = 0;
foreach (var (date, receipts) in till.Days(today.AddDays(-days), today.AddDays(-1)))
{
    Drop(folder, $"kassa-{date:yyyyMMdd}.csv", ReceiptCsv.Write(DemoServices.Add(receipts, shop)));
    written++;
}

Console.WriteLine($"Wrote {written} daily exports ({days} days, closed days skipped) to {Path.GetFullPath(folder)}");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
while (every > 0 && !stop.IsCancellationRequested)
{
    try
    {
        await Task.Delay(TimeSpan.FromSeconds(every), stop.Token);
    }
    catch (OperationCanceledException)
    {
        break;
    }

    var now = DateTimeOffset.UtcNow;
    var sold = till.Now(now, every);
    if (sold.Count > 0)
    {
        Drop(folder, $"kassa-{DemoHistory.LocalTime(now):yyyyMMdd-HHmmss}.csv", ReceiptCsv.Write(DemoServices.Add(sold, shop)));
    }
}

// Written under another name and renamed, as a careful till does, so the agent never sees half a file.
static void Drop(string folder, string name, string csv)
{
    var part = Path.Combine(folder, "." + name + ".part");
    File.WriteAllText(part, csv, new UTF8Encoding(false));
    File.Move(part, Path.Combine(folder, name), overwrite: true);
}
