using System.Globalization;
using Grpc.Core;
using Norsjo.Retail.Agent.Anonymisation;
using Norsjo.Retail.Agent.Outbox;
using Norsjo.Retail.Contracts.V1;

namespace Norsjo.Retail.Agent.Sources.PosPlugin;

/// <summary>
/// Takes one completed sale from the till, strips everything personal, and answers only once the
/// anonymised sale is on disk in the outbox. The two calls of proto's PosPlugin service, served by
/// <see cref="UnaryGrpcApplication"/>; a refusal is an <see cref="RpcException"/> with its status.
/// </summary>
public sealed class PosPluginService(SqliteOutbox outbox, ReceiptAnonymiser anonymiser, DeliveryDistances distances, Evidence.DeliveryEvidence evidence)
{
    public PosSaleAck RecordSale(PosSale request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var receipt = ToReceipt(request);
        var items = new OutboxItems(
            [anonymiser.Anonymise(receipt)], [],
            anonymiser.AnonymiseDelivery(receipt) is { } delivery ? [delivery] : []);
        // The source key makes the same sale sent twice by the till count once in the agent's ledger too.
        var key = SqliteOutbox.PosSourcePrefix + anonymiser.KeyedHash("pos-sale", receipt.LocalTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), receipt.ReceiptNumber);
        try
        {
            evidence.Record(receipt);
            if (!outbox.IsImported(key) && !outbox.TryEnqueue(items, key, "POS plug-in"))
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, "The agent's outbox is full; keep the sale and call again later."));
            }
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // Nothing is stored: the till keeps the sale and calls again; the agent resumes by itself.
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "The agent's disk is full; keep the sale and call again later."));
        }

        return new PosSaleAck { ReceiptNumber = request.ReceiptNumber, Stored = true };
    }

    /// <summary>
    /// One service transaction (issue 19): only its day, kind and a keyed hash of its id are kept,
    /// and the same id, kind and day again counts once; the day's count per kind is what is sent.
    /// </summary>
    public PosServiceAck RecordService(PosService request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Outbox.ServiceEvent service;
        try
        {
            if (request.TransactionId.Trim().Length == 0)
            {
                throw new FormatException("transaction_id saknas.");
            }

            var day = DateOnly.FromDateTime(SwedishValues.ParseTime(request.LocalTime, "local_time"));
            service = anonymiser.ServiceKey(request.TransactionId.Trim(), day, ServiceKinds.Check(request.Kind, request.AmountOre, "kind"), 0);
        }
        catch (FormatException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }

        try
        {
            // Marked like a sale (pos:…), so the outbox's care and ledger treat it as the plug-in's.
            if (!outbox.TryEnqueue(new OutboxItems([], [], []) { ServiceEvents = [service] }, SqliteOutbox.PosSourcePrefix + service.Key, "POS plug-in"))
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, "The agent's outbox is full; keep the transaction and call again later."));
            }
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "The agent's disk is full; keep the transaction and call again later."));
        }

        return new PosServiceAck { TransactionId = request.TransactionId, Stored = true };
    }

    private PosReceipt ToReceipt(PosSale sale)
    {
        try
        {
            if (sale.ReceiptNumber.Trim().Length == 0)
            {
                throw new FormatException("receipt_number saknas.");
            }

            var time = SwedishValues.ParseTime(sale.LocalTime, "local_time");
            var channel = sale.Channel switch
            {
                Channel.Unspecified or Channel.InStore => SaleChannel.InStore,
                Channel.HomeDelivery => SaleChannel.HomeDelivery,
                Channel.ClickAndCollect => SaleChannel.ClickAndCollect,
                _ => throw new FormatException("channel är okänd."),
            };
            var lines = sale.Items.Select((item, i) =>
            {
                var vat = SwedishValues.ParseVatPercent(item.VatPercent.ToString(CultureInfo.InvariantCulture), $"items[{i}].vat_percent");
                var category = SwedishValues.ParseCategory(item.Category, $"items[{i}].category");
                if (item.AmountOre < 0 || item.QuantityMilli < 0)
                {
                    throw new FormatException($"items[{i}]: belopp och antal anges positiva (returned för retur).");
                }

                var quantity = item.QuantityMilli == 0 ? 1000 : item.QuantityMilli;
                return item.Returned
                    ? new PosLine(category, vat, -item.AmountOre, -quantity, true)
                    : new PosLine(category, vat, item.AmountOre, quantity, false);
            }).ToList();
            var payments = sale.Payments.Select((p, i) => new PosPayment(p.Method switch
            {
                PaymentMethod.Cash => PayMethod.Cash,
                PaymentMethod.Card => PayMethod.Card,
                PaymentMethod.Swish => PayMethod.Swish,
                PaymentMethod.Invoice => PayMethod.Invoice,
                PaymentMethod.Other => PayMethod.Other,
                _ => throw new FormatException($"payments[{i}].method är okänd."),
            }, p.AmountOre)).ToList();
            PosDelivery? delivery = null;
            if (sale.Delivery is { } d)
            {
                // The household is whatever identifies it best; it only ever leaves as a keyed hash.
                var household = d.HouseholdId.Trim().Length > 0 ? "id:" + d.HouseholdId : "adress:" + d.RecipientName + " " + d.Address;
                delivery = distances.Resolve(household, d.Locality,
                    d.DistanceM > 0 ? (d.DistanceM / 1000m).ToString(CultureInfo.InvariantCulture) : string.Empty,
                    d.RegisteredHousehold ? "ja" : "nej");
            }

            var receipt = new PosReceipt(sale.ReceiptNumber.Trim(), time, channel, lines, payments, delivery);
            var problem = SwedishValues.CheckReceipt(receipt);
            return problem is null ? receipt : throw new FormatException(problem);
        }
        catch (FormatException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }
}
