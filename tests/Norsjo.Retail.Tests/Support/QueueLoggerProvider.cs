using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Norsjo.Retail.Tests.Support;

/// <summary>Keeps every line an agent or hub logs ("Level Category: message exception"), for a test to read.</summary>
internal sealed class QueueLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new QueueLogger(log, categoryName);

    public void Dispose()
    {
    }

    private sealed class QueueLogger(ConcurrentQueue<string> log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
