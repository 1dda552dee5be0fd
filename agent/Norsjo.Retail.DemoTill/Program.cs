using System.Globalization;
using System.Text;
using Norsjo.Retail.DemoTill;

// Usage: DemoTill --out <export folder> [--days 14] [--seed 1] [--receipts-per-day 120] [--every-seconds 0]
// Writes one export per past day, then (with --every-seconds) a new small export at that pace until stopped.
var options = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
string Option(string name, string fallback) => options.GetValueOrDefault(name, fallback);
var folder = Option("out", "exports");
var days = int.Parse(Option("days", "14"), CultureInfo.InvariantCulture);
var random = new Random(int.Parse(Option("seed", "1"), CultureInfo.InvariantCulture));
var perDay = int.Parse(Option("receipts-per-day", "120"), CultureInfo.InvariantCulture);
var every = int.Parse(Option("every-seconds", "0"), CultureInfo.InvariantCulture);
Directory.CreateDirectory(folder);

var number = 10_000;
var today = DateOnly.FromDateTime(DateTime.Now);
for (var d = days; d >= 1; d--)
{
    var date = today.AddDays(-d);
    var receipts = DemoSales.Day(date, perDay + random.Next(-perDay / 4, perDay / 4), number, random);
    number += receipts.Count;
    Drop(folder, $"kassa-{date:yyyyMMdd}.csv", ReceiptCsv.Write(receipts));
}

Console.WriteLine($"Wrote {days} daily exports to {Path.GetFullPath(folder)}");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
for (var n = 1; every > 0 && !stop.IsCancellationRequested; n++)
{
    try
    {
        await Task.Delay(TimeSpan.FromSeconds(every), stop.Token);
    }
    catch (OperationCanceledException)
    {
        break;
    }

    var now = DateTime.Now;
    var receipts = DemoSales.Day(DateOnly.FromDateTime(now), 1 + random.Next(5), number, random)
        .Select(r => r with { LocalTime = now.AddSeconds(-random.Next(every)) }).ToList();
    number += receipts.Count;
    Drop(folder, $"kassa-{now:yyyyMMdd-HHmmss}.csv", ReceiptCsv.Write(receipts));
}

// Written under another name and renamed, as a careful till does, so the agent never sees half a file.
static void Drop(string folder, string name, string csv)
{
    var part = Path.Combine(folder, "." + name + ".part");
    File.WriteAllText(part, csv, new UTF8Encoding(false));
    File.Move(part, Path.Combine(folder, name), overwrite: true);
}
