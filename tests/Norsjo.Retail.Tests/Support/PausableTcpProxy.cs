using System.Net;
using System.Net.Sockets;

namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// A loopback TCP relay in front of a real server that can be paused: while paused it accepts
/// connections and holds the bytes, so the server looks alive but never answers (a "slow" server).
/// </summary>
public sealed class PausableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly IPEndPoint _target;
    private volatile TaskCompletionSource _running = NewGate(open: true);

    public PausableTcpProxy(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        // The login in the target's address goes through the relay unchanged.
        var login = target.UserInfo.Length > 0 ? target.UserInfo + "@" : string.Empty;
        Url = new Uri($"http://{login}127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public void Pause() => _running = NewGate(open: false);

    public void Resume() => _running.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Resume();
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                using var a = client.GetStream();
                using var b = server.GetStream();
                await Task.WhenAny(PumpAsync(a, b), PumpAsync(b, a));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // a side closed; so does the relay
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await _running.Task.WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
