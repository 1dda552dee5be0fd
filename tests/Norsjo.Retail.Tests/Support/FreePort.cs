using System.Net;
using System.Net.Sockets;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A loopback port nothing listens on now, for a server a test starts a moment later. Taken below the
/// kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768 and up here): a port from inside it,
/// once freed, can become the source port of any outgoing connection on the machine before the test
/// binds it ("address already in use" when ./norsjo test ran three test processes at once). Each
/// process walks the range from its own starting point, so two processes seldom try the same port.
/// </summary>
public static class FreePort
{
    private const int Lowest = 20_000;
    private static readonly int Below = EphemeralStart();
    private static readonly int Start = (int)((uint)Environment.ProcessId * 2_654_435_761u % (uint)Math.Max(1, Below - Lowest));
    private static int _next = -1;

    public static int Next()
    {
        for (var tried = 0; tried < Below - Lowest; tried++)
        {
            var port = Lowest + ((Start + Interlocked.Increment(ref _next)) % (Below - Lowest));
            if (Bindable(port) == port)
            {
                return port;
            }
        }

        return Bindable(0);
    }

    /// <summary>The port if it could be bound now (0: the kernel's choice), else 0.</summary>
    private static int Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private static int EphemeralStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) && int.TryParse(File.ReadAllText(Range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var low) && low > Lowest + 1_000
            ? low
            : 32_768;
    }
}
